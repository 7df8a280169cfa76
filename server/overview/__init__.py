"""Where each trainee stands: progress per placement, the rules for who is behind, each role's home,
the trainee page with the delmål matrix, the studierektor's table."""
