"""The search's author filter: every member of the groups searched, once, in name order,
read in one row and rendered once per list."""

import re

from django.urls import reverse

from groups.models import Membership
from search.forms import Authors


def author_options(client, url, **params) -> list[tuple[str, str, bool]]:
    """The author choice's options as (value, label, selected)."""
    page = client.get(url, params).content.decode()
    select = re.search(r'<select name="author"[^>]*>(.*?)</select>', page, re.S)
    assert select, "the search page has an author choice"
    return [
        (value, label, bool(selected))
        for value, selected, label in re.findall(
            r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select[1]
        )
    ]


def group_url(group):
    return reverse("search:group-search", kwargs={"slug": group.slug})


def test_every_member_is_listed_once_in_name_order(client, login, member_factory, member, group):
    member.full_name = "Zofia Wójcik"
    member.save(update_fields=["full_name"])
    adam = member_factory(group, full_name="Adam Lis")
    login(member)
    options = author_options(client, group_url(group))
    assert options[0] == ("", "Ktokolwiek", True)
    assert options[1:] == [
        (str(adam.pk), "Adam Lis", False),
        (str(member.pk), "Zofia Wójcik", False),
    ]


def test_the_chosen_author_is_selected_and_a_name_is_escaped(
    client, login, member_factory, member, group
):
    odd = member_factory(group, full_name='Ala <b>"Ma"</b> & Kot')
    login(member)
    url = group_url(group)
    page = client.get(url, {"q": "stawki", "author": odd.pk}).content.decode()
    assert "Ala &lt;b&gt;&quot;Ma&quot;&lt;/b&gt; &amp; Kot" in page
    assert "<b>" not in page.partition('name="author"')[2].partition("</select>")[0]
    assert f'<option value="{odd.pk}" selected>' in page
    assert '<option value="" selected>' not in page.partition('name="author"')[2]


def test_a_renamed_or_new_member_shows_at_once(client, login, member_factory, member, group):
    login(member)
    url = group_url(group)
    author_options(client, url)  # the list is rendered and kept
    member.full_name = "Maria Nowa"
    member.save(update_fields=["full_name"])
    newcomer = member_factory(group, full_name="Bartosz Nowicjusz")
    labels = [label for _value, label, _selected in author_options(client, url)]
    assert labels[1:] == ["Bartosz Nowicjusz", "Maria Nowa"]
    Membership.objects.filter(user=newcomer).delete()
    labels = [label for _value, label, _selected in author_options(client, url)]
    assert labels[1:] == ["Maria Nowa"]


def test_a_name_with_the_listings_separators_is_read_as_one_name(
    client, login, member_factory, member, group
):
    odd = member_factory(group, full_name="Ewa\x1exyz\x1e1\x1fNikt")
    login(member)
    response = client.get(group_url(group), {"q": "stawki"})
    assert response.status_code == 200
    options = author_options(client, group_url(group))
    assert (str(odd.pk), "Ewaxyz1Nikt", False) in options
    assert len(options) == 3  # anyone, the member and the odd name: no invented member


def test_someone_outside_the_group_is_not_an_author_to_choose(
    client, login, member, group, other_group, member_factory
):
    stranger = member_factory(other_group, full_name="Obcy Autor")
    login(member)
    page = client.get(group_url(group), {"q": "stawki", "author": stranger.pk}).content.decode()
    assert 'role="alert"' in page
    assert "Obcy Autor" not in page


def test_the_search_everywhere_lists_a_member_of_two_groups_once(
    client, login, member, group, other_group, member_factory
):
    Membership.objects.create(user=member, group=other_group)
    colleague = member_factory(other_group, full_name="Celina Dwugrupowa")
    Membership.objects.create(user=colleague, group=group)
    login(member)
    options = author_options(client, reverse("search:search"))
    values = [value for value, _label, _selected in options[1:]]
    assert values.count(str(colleague.pk)) == 1 and values.count(str(member.pk)) == 1


def test_the_listing_reads_names_with_separators_apart():
    authors = Authors("3\x1fEwa\x1e1\x1fAdam\x1e3\x1fEwa\x1e2\x1fadam")
    assert authors.choices() == [(1, "Adam"), (2, "adam"), (3, "Ewa")]
    assert authors.ids() == {1, 2, 3}
    assert Authors(None).choices() == [] and Authors("").ids() == set()


def test_polish_letters_sort_with_their_plain_ones():
    authors = Authors(
        "1\x1fŻaneta Bąk\x1e2\x1fMarek Zięba\x1e3\x1fŁukasz Nowak\x1e4\x1fLech Wiśniewski"
    )
    assert [name for _pk, name in authors.choices()] == [
        "Lech Wiśniewski",
        "Łukasz Nowak",
        "Marek Zięba",
        "Żaneta Bąk",
    ]


def test_the_listing_does_not_change_when_a_member_row_is_written(member_factory, member, group):
    """The options are kept under the listing's digest: read in whatever order the rows
    lay, a member or a membership written (and moved by PostgreSQL to the end of its
    table, as a sign-in does) made a new digest, and the options were rendered again for
    nothing."""
    for name in ("Adam Lis", "Beata Kos", "Celina Wrona"):
        member_factory(group, full_name=name)
    before = Authors.of([group.pk]).listing
    first = Membership.objects.filter(group=group).order_by("user_id").select_related("user")[0]
    first.save()
    first.user.save()
    assert Authors.of([group.pk]).listing == before
