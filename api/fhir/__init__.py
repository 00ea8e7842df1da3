"""FHIR R4 in and out under ``/api/v1/fhir/``: the instruments as Questionnaires, responses as
QuestionnaireResponses, scores as LOINC Observations, patients and their sessions (Encounters);
an EHR's Patient, Encounter or Procedure in. Built with ``fhir.resources`` (its R4B models, the
R4-compatible release of FHIR's fourth version), so every resource is validated."""
