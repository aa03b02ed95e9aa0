from django.core.management import call_command


def test_the_openapi_schema_validates_without_warnings(tmp_path):
    # `make schema` runs the same command; a warning fails it.
    out = tmp_path / "openapi.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert "/api/v1/generations:" in text and "/api/v1/feed:" in text and "/api/v1/cameos/enrollments:" in text
