"""Indexes for the sync pull (issue 16): a person's changes since a checkpoint are read through
(trainee_id, seq) and (assessor_id, seq), so a pull reads the few rows above the checkpoint instead of
every document the person has ever had (about 230 µs per pull for a trainee with 200 documents, the
largest statement of a one-mutation push). They serve every lookup by trainee or by assessor too, so
the single-column indexes on those columns go: one index less to write per stored change, each way."""

ID = "0014_pull_indexes"


def steps(dialect: str) -> list[str]:
    return [
        "CREATE INDEX assessments_trainee_seq ON assessments(trainee_id, seq)",
        "CREATE INDEX assessments_assessor_seq ON assessments(assessor_id, seq)",
        "DROP INDEX assessments_trainee",
        "DROP INDEX assessments_assessor",
    ]
