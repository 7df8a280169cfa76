"""Every assessment is evidence in context: the date of the observed activity and the BT delmål it
gives evidence for, as metadata; rows made before get the date they were created and, where none was
set, the trainee's placement whose period contains that date."""

ID = "0005_evidence_context"


def steps(dialect: str) -> list[str]:
    return [
        "ALTER TABLE assessments ADD COLUMN observed_on VARCHAR(10)",
        "ALTER TABLE assessments ADD COLUMN delmal TEXT",
        "UPDATE assessments SET observed_on = substr(created_at, 1, 10) WHERE observed_on IS NULL",
        """UPDATE assessments SET placement_id = (
               SELECT pl.id FROM placements pl JOIN programmes pr ON pr.id = pl.programme_id
               WHERE pr.trainee_id = assessments.trainee_id
                 AND pl.start_date <= assessments.observed_on AND pl.end_date >= assessments.observed_on
               ORDER BY pl.start_date LIMIT 1)
           WHERE placement_id IS NULL""",
        "CREATE INDEX assessments_observed_on ON assessments(observed_on)",
    ]
