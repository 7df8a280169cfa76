"""Action plans (handlingsplaner, seed 003): the catalog holds the forms and their workflow; this domain
finds the plans and follow-ups, flags a follow-up that is overdue and reminds of one by e-mail."""
