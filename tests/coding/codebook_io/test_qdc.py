import pytest
from lxml import etree

from coding.codebook_io import (
    CodebookFormatError,
    CodeNode,
    assign_guids,
    read_qdc,
    stable_guid,
    write_qdc,
)
from coding.codebook_io.qdc import codebook_schema, decode_description, encode_description

from .test_csv import sample_tree

# What another tool (here in the style of an NVivo/MAXQDA export) writes: uppercase and braced
# guids, 3-digit colours, a non-codable folder, descriptions without Concord's sections,
# duplicate sibling names and sets.
OTHER_TOOL_QDC = b"""<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="NVivo 14">
  <Codes>
    <Code guid="{A1B2C3D4-0000-4000-8000-000000000001}" name="Actors"
          isCodable="false" color="#F0A">
      <Description>Ecosystem actors mentioned in the strategy.</Description>
      <Code guid="A1B2C3D4-0000-4000-8000-000000000002" name="Academia"
            isCodable="true" color="#1f77b4">
        <Description>Universities and research institutes.

Inclusion criteria:
Named institutions.

Example:
"samarbeid med NTNU"</Description>
        <Code guid="a1b2c3d4-0000-4000-8000-000000000003" name="Universities" isCodable="true"/>
      </Code>
      <Code guid="a1b2c3d4-0000-4000-8000-000000000004" name="Industry" isCodable="true"/>
      <Code guid="a1b2c3d4-0000-4000-8000-000000000005" name="Industry" isCodable="1"/>
    </Code>
    <Code guid="a1b2c3d4-0000-4000-8000-000000000006" name=" Perceived value " isCodable="true"/>
  </Codes>
  <Sets>
    <Set guid="a1b2c3d4-0000-4000-8000-0000000000a1" name="Triple helix">
      <Description>Government, industry, academia</Description>
      <MemberCode guid="a1b2c3d4-0000-4000-8000-000000000002"/>
      <MemberCode guid="a1b2c3d4-0000-4000-8000-000000000004"/>
    </Set>
  </Sets>
</CodeBook>
"""


def assert_schema_valid(data: bytes) -> None:
    schema = codebook_schema()
    assert schema.validate(etree.fromstring(data)), schema.error_log


def test_write_qdc_is_valid_against_the_refi_qda_schema():
    data = write_qdc(sample_tree())
    assert_schema_valid(data)
    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>")


def test_write_qdc_also_validates_with_xmlschema():
    import xmlschema

    from coding.codebook_io import qdc

    path = qdc.resources.files("coding.codebook_io") / "schemas" / "Codebook-mrt2019.xsd"
    xmlschema.XMLSchema(str(path)).validate(write_qdc(sample_tree()).decode())


def test_qdc_round_trip_keeps_the_tree_except_the_shortcut():
    roots = assign_guids(sample_tree())
    roots[0].children[0].shortcut = ""  # QDC has no place for shortcuts
    data = write_qdc(roots)
    result = read_qdc(data)
    assert result.clean
    assert result.roots == roots
    assert write_qdc(result.roots) == data


def test_codes_without_guid_get_stable_guids():
    roots = [CodeNode("A", children=[CodeNode("B")])]
    assert write_qdc(roots) == write_qdc(roots)
    (a,) = read_qdc(write_qdc(roots)).roots
    assert a.guid == stable_guid(("A",))
    assert a.children[0].guid == stable_guid(("A", "B"))


def test_fields_go_into_a_description_with_labelled_sections():
    node = sample_tree()[0].children[0]
    description = encode_description(node)
    assert description == (
        "Universities, colleges, research institutes.\n\n"
        "Inclusion criteria:\nNamed institutions.\nAlso labs.\n\n"
        'Exclusion criteria:\nSchools ("grunnskole").\n\n'
        "Example:\n«samarbeid med NTNU», cooperation\n\n"
        "Memo:\nMerged from 'University' and 'Research'."
    )
    assert decode_description(description) == {
        "definition": node.definition,
        "inclusion": node.inclusion,
        "exclusion": node.exclusion,
        "example": node.example,
        "memo": node.memo,
    }


def test_a_heading_inside_a_text_is_escaped_and_restored():
    node = CodeNode("A", definition="Example:\nnot a section", example="\\Memo:")
    description = encode_description(node)
    assert description == "\\Example:\nnot a section\n\nExample:\n\\\\Memo:"
    assert decode_description(description) == {
        "definition": "Example:\nnot a section",
        "example": "\\Memo:",
    }


def test_description_without_sections_is_all_definition():
    assert decode_description("Just text.\nExample: inline is not a heading") == {
        "definition": "Just text.\nExample: inline is not a heading"
    }


def test_another_tools_codebook_is_imported_with_a_report():
    result = read_qdc(OTHER_TOOL_QDC)
    (actors, value) = result.roots
    assert actors.name == "Actors"
    assert actors.colour == "#FF00AA"
    assert actors.guid == "{A1B2C3D4-0000-4000-8000-000000000001}"
    assert actors.definition == "Ecosystem actors mentioned in the strategy."
    academia, industry, industry2 = actors.children
    assert academia.colour == "#1F77B4"
    assert academia.definition == "Universities and research institutes."
    assert academia.inclusion == "Named institutions."
    assert academia.example == '"samarbeid med NTNU"'
    assert [c.name for c in academia.children] == ["Universities"]
    assert (industry.name, industry2.name) == ("Industry", "Industry (2)")
    assert value.name == "Perceived value"
    assert [str(p) for p in result.not_taken] == [
        "line 24: set “Triple helix” (2 member code(s)) not taken: Concord has no code sets"
    ]
    # libxml2 gives an element the line where its start tag ends (the Actors tag spans 4-5).
    assert actors.is_codable is False  # a folder code stays one
    assert [str(p) for p in result.changed] == [
        "line 19: a sibling is already named “Industry”; renamed to “Industry (2)”",
    ]
    assert result.schema_errors == []
    assert_schema_valid(write_qdc(result.roots))


def test_older_codebook_namespace_is_read_and_reported():
    data = OTHER_TOOL_QDC.replace(b"urn:QDA-XML:codebook:1.0", b"urn:QDA-XML:codebook:0:4")
    result = read_qdc(data)
    assert len(result.roots) == 2
    assert str(result.changed[0]) == (
        "line 2: namespace urn:QDA-XML:codebook:0:4 read as urn:QDA-XML:codebook:1.0"
    )


def test_malformed_xml_is_a_clear_error_with_its_line():
    data = (
        b'<?xml version="1.0"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0">\n<Codes>\n</CodeBook>'
    )
    with pytest.raises(CodebookFormatError) as error:
        read_qdc(data)
    (problem,) = error.value.problems
    assert problem.line == 4
    assert "not well-formed XML" in str(problem)
    assert str(problem).startswith("line 4: ")


@pytest.mark.parametrize("data", [b"", b"   ", b"not xml at all"])
def test_empty_or_non_xml_is_an_error(data):
    with pytest.raises(CodebookFormatError):
        read_qdc(data)


SCHEMA_INVALID = b"""<?xml version="1.0"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0">
  <Codes>
    <Code name="No guid" isCodable="true"/>
    <Code guid="a1b2c3d4-0000-4000-8000-000000000001" name="Red" isCodable="true" color="red">
      <Note>Tool-specific</Note>
    </Code>
  </Codes>
</CodeBook>
"""


def test_schema_invalid_file_is_refused_listing_each_violation_with_its_line():
    with pytest.raises(CodebookFormatError) as error:
        read_qdc(SCHEMA_INVALID)
    problems = error.value.problems
    assert str(problems[0]) == "the file is not valid against the REFI-QDA codebook schema"
    assert [p.line for p in problems[1:]] == [4, 5, 6]
    assert "attribute 'guid' is required" in problems[1].message
    assert "'red'" in problems[2].message
    assert "Note" in problems[3].message
    assert "{urn:" not in str(error.value)  # messages are readable


def test_schema_invalid_file_can_be_imported_leniently_with_a_report():
    result = read_qdc(SCHEMA_INVALID, strict=False)
    assert [p.line for p in result.schema_errors] == [4, 5, 6]
    assert [c.name for c in result.roots] == ["No guid", "Red"]
    assert result.roots[0].guid == ""  # a stable one is given on export
    assert [str(p) for p in result.not_taken] == [
        "line 5: colour “red” of “Red” is not #RRGGBB; colour not taken",
        "line 6: unknown element <Note> in code “Red” ignored",
    ]
    assert_schema_valid(write_qdc(result.roots))


def test_duplicate_guids_are_reported_in_lenient_mode():
    data = b"""<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>
<Code guid="a1b2c3d4-0000-4000-8000-000000000001" name="A" isCodable="true"/>
<Code guid="A1B2C3D4-0000-4000-8000-000000000001" name="B" isCodable="true"/>
</Codes></CodeBook>"""
    result = read_qdc(data)
    assert [str(p) for p in result.not_taken] == [
        "line 3: guid A1B2C3D4-0000-4000-8000-000000000001 of “B” is already used by “A”; not taken"
    ]
    assert result.roots[1].guid == ""


def test_a_project_file_is_not_a_codebook():
    data = b'<Project xmlns="urn:QDA-XML:project:1.0" name="x"/>'
    with pytest.raises(CodebookFormatError, match="project"):
        read_qdc(data)


def test_wrong_root_element_is_an_error():
    with pytest.raises(CodebookFormatError, match="expected <CodeBook>"):
        read_qdc(b"<html><body/></html>")


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE CodeBook [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>
<Code guid="a1b2c3d4-0000-4000-8000-000000000001" name="&lol9;" isCodable="true"/>
</Codes></CodeBook>
"""


def test_entity_expansion_attack_is_refused():
    with pytest.raises(CodebookFormatError) as error:
        read_qdc(BILLION_LAUGHS)
    assert "DOCTYPE/DTD is not allowed" in str(error.value)


def test_external_entities_are_refused_and_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    data = f"""<?xml version="1.0"?>
<!DOCTYPE CodeBook [<!ENTITY xxe SYSTEM "file://{secret}">]>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>
<Code guid="a1b2c3d4-0000-4000-8000-000000000001" name="&xxe;" isCodable="true"/>
</Codes></CodeBook>""".encode()
    with pytest.raises(CodebookFormatError) as error:
        read_qdc(data)
    assert "TOP SECRET" not in str(error.value)


def test_write_qdc_refuses_an_empty_or_invalid_codebook():
    with pytest.raises(CodebookFormatError, match="at least one code"):
        write_qdc([])
    with pytest.raises(CodebookFormatError, match="name is empty"):
        write_qdc([CodeNode("")])
