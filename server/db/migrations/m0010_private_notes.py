"""A handledningssamtal's notes may be private between the trainee and the supervisor who took part
(issue 13): ``private`` hides the whole document from everyone else; the rhythm of meetings still counts
it, so a studierektor sees that the meeting took place and nothing of what was said."""

ID = "0010_private_notes"


def steps(dialect: str) -> list[str]:
    return ["ALTER TABLE assessments ADD COLUMN private INTEGER NOT NULL DEFAULT 0"]
