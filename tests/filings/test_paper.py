"""The layout of the orders and letters (filings/paper.py): its vocabulary, its sections and
page numbers, and text from an ISP list printed as written."""

from __future__ import annotations

import pytest
from django.template import engines

from filings.paper import PaperError, length, render
from tests.filings.conftest import pdf_pages


def paper(body: str, **attributes: str) -> str:
    shown = " ".join(f'{name}="{value}"' for name, value in attributes.items())
    return f"<document {shown}>{body}</document>"


def test_each_section_starts_a_page_and_counts_its_own_pages() -> None:
    long = "".join(f"<p>Paragraph {n} of a long order.</p>" for n in range(1, 90))
    xml = paper(
        f'<section id="a" footer="A page {{page}} of {{pages}}" running="09-CR-1">{long}</section>'
        '<section id="b" footer="B page {page} of {pages}"><p>Short.</p></section>'
    )

    rendered = render(xml)
    pages = pdf_pages(rendered.pdf)

    a_pages = rendered.section_pages["a"]
    assert a_pages >= 2
    assert rendered.section_pages["b"] == 1
    assert rendered.section_first_pages == {"a": 1, "b": a_pages + 1}
    assert len(pages) == a_pages + 1
    for number in range(1, a_pages + 1):
        assert f"A page {number} of {a_pages}" in pages[number - 1]
    assert "B page 1 of 1" in pages[-1]
    # the running head is on the section's pages after its first
    assert "09-CR-1" not in pages[0]
    assert all("09-CR-1" in page for page in pages[1:a_pages])
    assert "09-CR-1" not in pages[-1]


def test_text_from_a_list_prints_as_written() -> None:
    template = engines["django"].from_string(
        '<document><section><p style="body">{{ name }}</p><item label="{{ name }}">'
        "<b>{{ name }}</b></item></section></document>"
    )
    name = '<b>O\'BRIEN & SONS</b> "X" ZOË'

    text = " ".join(pdf_pages(render(template.render({"name": name})).pdf))

    assert text.count("O'BRIEN & SONS") == 3
    assert '<b>O\'BRIEN & SONS</b> "X" ZOË' in text


def test_the_same_paper_gives_the_same_bytes() -> None:
    xml = paper('<section footer="Page {page} of {pages}"><p>Same.</p></section>', title="T")

    assert render(xml).pdf == render(xml).pdf


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        ("<document><section><img src='x'/></section></document>", "<img> is not part"),
        ("<document><section><p style='fancy'>x</p></section></document>", "no style 'fancy'"),
        ("<document><section><p>x <a href='y'>y</a></p></section></document>", "only b, i, u"),
        ("<document><p>x</p></document>", "<section> elements only"),
        ("<html><section/></html>", "not <html>"),
        ("<document><section><p>x</section></document>", "well-formed"),
        (
            "<document><section><columns widths='1 2'><column/></columns></section></document>",
            "2 widths for 1",
        ),
        ("<document margins='1in 1in'><section/></document>", "four lengths"),
    ],
)
def test_anything_outside_the_vocabulary_is_refused(xml: str, message: str) -> None:
    with pytest.raises(PaperError, match=message):
        render(xml)


def test_lengths_are_inches_or_points() -> None:
    assert length("1in") == 72
    assert length("12pt") == 12
    assert length(" 7.5 ") == 7.5
    with pytest.raises(PaperError, match="not a length"):
        length("1cm")
