"""Action plans and their follow-ups (issue 13): a follow-up names the signed plan it follows up
(``follows_up_id``), and each follow-up date of a signed plan is reminded by e-mail once
(``plan_reminders``: one row per plan, day and recipient, written when the mail is queued)."""

ID = "0011_plans"


def steps(dialect: str) -> list[str]:
    return [
        "ALTER TABLE assessments ADD COLUMN follows_up_id VARCHAR(36)",
        "CREATE INDEX assessments_follows_up ON assessments(follows_up_id)",
        """CREATE TABLE plan_reminders (
               assessment_id VARCHAR(36) NOT NULL REFERENCES assessments(id),
               due_on VARCHAR(10) NOT NULL,
               recipient_id INTEGER NOT NULL REFERENCES users(id),
               sent_at TEXT NOT NULL,
               PRIMARY KEY (assessment_id, due_on, recipient_id))""",
    ]
