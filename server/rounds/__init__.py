"""360 rounds (multi-source feedback): a trainee's round of raters asked by link, its validity
rules, release by the main supervisor and a report that never shows who wrote what."""
