"""Loading the shipped reference data: the counts, and idempotence."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.reference.loading import load_reference_data, provision_path
from app.reference.models import CrosswalkRow, Forum, Instrument, Ratification, RightConcept


class TestLoad:
    def test_suite_database_holds_the_shipped_counts(self, session: Session) -> None:
        def count(model: type) -> int:
            return session.scalar(select(func.count()).select_from(model)) or 0

        assert count(Instrument) == 162
        assert count(RightConcept) == 44
        assert count(Forum) == 54
        assert count(Ratification) == 3555
        assert count(CrosswalkRow) >= 656

    def test_loading_again_changes_nothing(self, session: Session) -> None:
        report = load_reference_data(session)

        assert all(t.added == 0 and t.changed == 0 for t in report.tables.values()), report
        assert report.source_counts["crosswalk rows"] == 656
        assert report.source_counts["ratifications"] == 3555

    def test_loading_repairs_an_edited_row(self, session: Session) -> None:
        instrument = session.get(Instrument, "ICCPR")
        assert instrument is not None
        instrument.name = "Tampered"
        session.flush()

        report = load_reference_data(session)

        assert report.tables["instrument"].changed == 1
        assert instrument.name == "International Covenant on Civil and Political Rights"

    def test_uncertain_marks_survive(self, session: Session) -> None:
        uncertain = session.scalar(
            select(func.count()).select_from(CrosswalkRow).where(CrosswalkRow.uncertain)
        )

        assert uncertain and uncertain > 0


class TestProvisionPath:
    def test_articles_get_canonical_paths(self) -> None:
        assert provision_path("5(1)(f)") == ("5-1-f", "Art. 5(1)(f)")

    def test_free_form_references_keep_their_words(self) -> None:
        assert provision_path("14th Amendment") == ("14th-amendment", "14th Amendment")
