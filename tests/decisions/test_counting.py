"""Counting, checked against results worked out by hand."""

from decisions.counting import BallotMarks, tally

A, B, C, D = 11, 12, 13, 14


def ranked(*orders: list[int]) -> list[BallotMarks]:
    return [BallotMarks(marks={oid: rank for rank, oid in enumerate(o, start=1)}) for o in orders]


def counts(result, number):
    return result["rounds"][number]["counts"]


def test_instant_runoff_moves_an_eliminated_options_votes_to_the_next_preference():
    # 4 A>B>C, 3 B>C>A, 2 C>B>A. Round 1: A 4, B 3, C 2 of 9, nobody over 4.5; C goes.
    # Round 2: C's two go to B: A 4, B 5; B has more than half.
    ballots = ranked(*[[A, B, C]] * 4, *[[B, C, A]] * 3, *[[C, B, A]] * 2)
    result = tally("ranked", [A, B, C], ballots)
    assert counts(result, 0) == {A: 4, B: 3, C: 2}
    assert result["rounds"][0]["eliminated"] == C
    assert counts(result, 1) == {A: 4, B: 5}
    assert result["winner"] == B
    assert result["tied"] == []
    assert result["voters"] == 9


def test_a_majority_in_the_first_round_wins_at_once():
    result = tally("ranked", [A, B], ranked([A], [A], [B]))
    assert len(result["rounds"]) == 1
    assert result["winner"] == A


def test_a_tie_for_fewest_is_broken_by_the_round_before():
    # 5 A, 4 B, 3 C>B, 2 D>C (14). Round 1: A5 B4 C3 D2 → D goes.
    # Round 2: A5 B4 C5 → B goes; B's own four ballots rank nothing else: exhausted.
    # Round 3: A5 C5 of 10 active, level; round 2 level too; round 1 A5 C3 → C goes.
    # Round 4: A alone wins.
    ballots = ranked(*[[A]] * 5, *[[B]] * 4, *[[C, B]] * 3, *[[D, C]] * 2)
    result = tally("ranked", [A, B, C, D], ballots)
    assert [r["eliminated"] for r in result["rounds"]] == [D, B, C, None]
    assert counts(result, 1) == {A: 5, B: 4, C: 5}
    assert counts(result, 2) == {A: 5, C: 5}
    assert result["rounds"][2]["exhausted"] == 4
    assert result["winner"] == A


def test_a_tie_for_fewest_level_in_every_round_eliminates_the_option_listed_later():
    # 2 A, 1 B>A, 1 C>A. Round 1: A2 B1 C1 of 4, A not over 2; B and C level → C goes.
    # Round 2: A3 B1 → A.
    ballots = ranked([A], [A], [B, A], [C, A])
    result = tally("ranked", [A, B, C], ballots)
    assert result["rounds"][0]["eliminated"] == C
    assert counts(result, 1) == {A: 3, B: 1}
    assert result["winner"] == A


def test_options_level_in_every_round_are_reported_as_a_tie():
    # 2 A>B, 2 B>A: level from the start, nothing separates them.
    result = tally("ranked", [A, B], ranked([A, B], [A, B], [B, A], [B, A]))
    assert result["winner"] is None
    assert result["tied"] == [A, B]
    assert len(result["rounds"]) == 1


def test_ranked_with_no_ballots_has_no_rounds_and_no_winner():
    result = tally("ranked", [A, B], [])
    assert result == {"rounds": [], "winner": None, "tied": [], "voters": 0}


def test_proposal_counts_each_stance():
    ballots = [BallotMarks(stance=s) for s in ["agree", "agree", "block", "abstain"]]
    result = tally("proposal", [], ballots)
    assert result["stances"] == {"agree": 2, "abstain": 1, "disagree": 0, "block": 1}
    assert result["voters"] == 4


def test_multiple_choice_counts_every_chosen_option_and_names_tied_leaders():
    ballots = [
        BallotMarks(marks={A: 1, B: 1}),
        BallotMarks(marks={B: 1, C: 1}),
        BallotMarks(marks={A: 1}),
    ]
    result = tally("multiple", [A, B, C], ballots)
    assert result["counts"] == {A: 2, B: 2, C: 1}
    assert result["leaders"] == [A, B]
    assert result["voters"] == 3


def test_score_sums_and_averages():
    ballots = [BallotMarks(marks={A: 5, B: 0}), BallotMarks(marks={A: 2, B: 4})]
    result = tally("score", [A, B], ballots)
    assert result["totals"] == {A: 7, B: 4}
    assert result["means"] == {A: 3.5, B: 2.0}
    assert result["leaders"] == [A]


def test_date_poll_prefers_the_slot_most_can_come_to_then_most_yes():
    # A: yes, yes, no (2 can come, 2 yes); B: yes, if need be, if need be (3 can, 1 yes);
    # C: if need be ×3 (3 can, 0 yes). Best: B.
    ballots = [
        BallotMarks(marks={A: 2, B: 2, C: 1}),
        BallotMarks(marks={A: 2, B: 1, C: 1}),
        BallotMarks(marks={A: 0, B: 1, C: 1}),
    ]
    result = tally("date", [A, B, C], ballots)
    assert result["answers"][B] == {"yes": 1, "if_need_be": 2, "no": 0}
    assert result["leaders"] == [B]


def test_nothing_leads_before_anyone_votes():
    assert tally("single", [A, B], [])["leaders"] == []
    assert tally("date", [A, B], [])["leaders"] == []
