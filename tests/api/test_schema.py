from rest_framework.test import APIClient


def test_the_openapi_schema_describes_every_path(db: None) -> None:
    response = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/auth/token/",
        "/api/v1/patients/",
        "/api/v1/patients/{id}/",
        "/api/v1/sessions/",
        "/api/v1/check-ins/",
        "/api/v1/check-ins/{id}/cancel/",
        "/api/v1/responses/",
        "/api/v1/clinicians/",
        "/api/v1/follow-up-plan/",
        "/api/v1/instruments/",
    ):
        assert path in paths, path


def test_the_docs_page_is_served_without_the_internet(db: None) -> None:
    response = APIClient().get("/api/v1/docs/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui" in page
    assert "cdn." not in page
    assert "unpkg" not in page


def test_the_schema_documents_the_check_in_at_enrolment(db: None) -> None:
    response = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    schemas = response.json()["components"]["schemas"]
    setting = schemas["FollowUpPlan"]["properties"]["enrolment_check_in"]
    assert setting["type"] == "boolean"
    assert "baseline" in setting["description"]
    session = schemas["CheckIn"]["properties"]["session"]
    assert session["nullable"] is True
    assert "enrolment" in session["description"]


def test_the_schema_documents_both_schemes_and_a_token_endpoint_open_to_all(db: None) -> None:
    schema = (
        APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    )

    schemes = schema["components"]["securitySchemes"]
    assert schemes["tokenAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": schemes["tokenAuth"]["description"],
    }
    assert (schemes["bearerAuth"]["type"], schemes["bearerAuth"]["scheme"]) == ("http", "bearer")
    token = schema["paths"]["/api/v1/auth/token/"]["post"]
    assert token.get("security", []) == []  # no requirement, and none for the whole API
    assert "security" not in schema
    body = token["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    fields = schema["components"]["schemas"][body.rsplit("/", 1)[-1]]["properties"]
    assert set(fields) == {"username", "password", "otp"}
    patients = schema["paths"]["/api/v1/patients/"]["get"]["security"]
    assert {"tokenAuth": []} in patients
    assert {"bearerAuth": []} in patients
