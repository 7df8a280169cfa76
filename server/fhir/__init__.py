"""FHIR R4 export: every form version as a ``Questionnaire``, every assessment as a
``QuestionnaireResponse`` (``GET /api/fhir/...``), so a region's systems can read them.

``items.py`` turns a form version's ui sections and JSON Schema into one tree of items, ``service.py``
maps a form version and an assessment onto that tree (pure functions, plain dicts, no FHIR library),
``controller.py`` serves them with the catalog's and the assessments' own access rules."""
