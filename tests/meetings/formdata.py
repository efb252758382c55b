"""What the meeting form's agenda rows post."""


def agenda_fields(*rows: tuple[str, str, str], initial: int = 0) -> dict[str, str]:
    """The agenda formset's fields for rows of (title, presenter, minutes)."""
    data = {
        "agenda-TOTAL_FORMS": str(len(rows)),
        "agenda-INITIAL_FORMS": str(initial),
        "agenda-MIN_NUM_FORMS": "0",
        "agenda-MAX_NUM_FORMS": "50",
    }
    for index, (title, presenter, minutes) in enumerate(rows):
        data |= {
            f"agenda-{index}-title": title,
            f"agenda-{index}-presenter": presenter,
            f"agenda-{index}-duration_minutes": minutes,
        }
    return data
