"""The reflection check flags columns that refer to a person, so that an undeclared one fails."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Integer, MetaData, String, Table, Text

from core.privacy import reflection


def _tables() -> MetaData:
    metadata = MetaData()
    Table("user", metadata, Column("id", Integer, primary_key=True), Column("email", String))
    Table(
        "booking",  # belongs to a person: it cannot exist without one
        metadata,
        Column("id", Integer, primary_key=True),
        Column("guest_id", ForeignKey("user.id"), nullable=False),
        Column("paid", Boolean),
    )
    Table(
        "booking_note",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("booking_id", ForeignKey("booking.id"), nullable=False),
        Column("body", Text),
    )
    Table(
        "room",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("cleaned_by_id", ForeignKey("user.id"), nullable=True),
        Column("floor", Integer),
    )
    return metadata


def test_an_undeclared_email_column_in_a_new_table_is_flagged() -> None:
    metadata = MetaData()
    Table("newsletter", metadata, Column("id", Integer, primary_key=True), Column("email", String(254)))
    assert [str(u) for u in reflection.undeclared(metadata, {})] == ["newsletter.email (a personal word in its name)"]


def test_a_declared_column_is_not_flagged_and_one_listed_as_not_personal_neither() -> None:
    metadata = MetaData()
    Table(
        "newsletter", metadata, Column("id", Integer, primary_key=True), Column("email", String), Column("name", String)
    )
    assert reflection.undeclared(metadata, {"newsletter": {"email", "name"}}) == []


def test_references_to_a_person_or_to_a_persons_rows_are_flagged_through_the_chain() -> None:
    flagged = reflection.personal_columns(_tables())
    assert flagged["booking"] == {"guest_id": "refers to user"}
    assert flagged["booking_note"] == {"booking_id": "refers to booking"}  # booking belongs to a person
    assert flagged["room"] == {"cleaned_by_id": "refers to user"}
    assert flagged["user"] == {"email": "a personal word in its name"}


def test_a_table_that_only_may_name_a_person_does_not_make_its_own_rows_personal() -> None:
    metadata = _tables()
    Table("key_card", metadata, Column("id", Integer, primary_key=True), Column("room_id", ForeignKey("room.id")))
    assert "room" not in reflection.person_tables(metadata.sorted_tables)
    assert "key_card" not in reflection.personal_columns(metadata)


def test_plain_words_inside_other_words_are_not_flagged() -> None:
    for name in ("filename_key", "nameless", "byte_count", "shipping", "notebook_id"):
        assert not reflection.PERSONAL_WORDS.search(name), name
    for name in ("trainee_id", "decline_reason", "created_by_id", "ip", "present_notes"):
        assert reflection.PERSONAL_WORDS.search(name), name


def test_declarations_of_columns_or_tables_that_do_not_exist_are_reported() -> None:
    problems = reflection.unknown(_tables(), {"user": {"email", "phone"}, "gone": {"x"}})
    assert problems == ["gone (no such table)", "user.phone (no such column)"]
