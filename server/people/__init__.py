"""People and organisation: users and roles, units, training programmes, placements."""
