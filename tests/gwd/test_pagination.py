"""The pager every list shares: previous and next links that keep the rest of the query."""

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from groups.models import Role


def pager(number: int, **context) -> str:
    page = Paginator(range(3), 1).get_page(number)
    with translation.override("en"):
        return render_to_string("gwd/_pagination.html", {"page": page, **context})


def test_a_single_page_has_no_pager():
    assert pager(1, page=Paginator(range(3), 10).get_page(1)).strip() == ""


def test_a_middle_page_links_both_ways_and_marks_where_the_reader_is():
    html = pager(2)
    assert '<nav class="pagination" aria-label="Pages">' in html
    assert '<a href="?page=1" rel="prev">' in html
    assert '<a href="?page=3" rel="next">' in html
    assert '<span aria-current="page">Page 2 of 3</span>' in html


def test_the_first_and_last_pages_link_one_way():
    assert 'rel="prev"' not in pager(1) and 'rel="next"' in pager(1)
    assert 'rel="next"' not in pager(3) and 'rel="prev"' in pager(3)


def test_the_rest_of_the_query_comes_before_the_page_number():
    html = pager(2, query_prefix="folder=7&")
    assert 'href="?folder=7&amp;page=1"' in html
    assert 'href="?folder=7&amp;page=3"' in html


def test_the_member_list_keeps_the_search_and_the_role(
    client, login, facilitator, member_factory, group, monkeypatch
):
    monkeypatch.setattr("groups.views.people.MEMBERS_PER_PAGE", 1)
    for i in range(3):
        member_factory(group, Role.MEMBER, email=f"o{i}@gwd.test", full_name=f"Osoba ą {i}")
    login(facilitator)
    url = reverse("groups:member-list", kwargs={"slug": group.slug})
    html = client.get(url, {"q": "Osoba ą", "role": "member", "page": 2}).content.decode()
    assert 'href="?q=Osoba%20%C4%85&amp;role=member&amp;page=1"' in html
    assert 'href="?q=Osoba%20%C4%85&amp;role=member&amp;page=3"' in html
