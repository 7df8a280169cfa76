"""Assessments: one filled form, from draft to countersigned, changed only through ``service``."""
