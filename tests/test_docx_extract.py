"""A verksamhetsplan-like Word file: the milestone table and viljeriktningar read from DOCX."""

from __future__ import annotations

from fhs_nlp.extract.milestones import extract_milestones
from fhs_nlp.extract.viljeriktningar import extract_viljeriktningar
from fhs_nlp.ingest import read_document
from fhs_nlp.synthetic import documents as synthetic

HEADER = ["", "År", "Milstolpe",
          "Effekter av uppnådd milstolpe på kort sikt för invånarna (inv), systemet (sys), "
          "verksamheter (vsh)",
          "Målbilder per insatsområde som beskriver långsiktiga önskade effekter",
          "Övergripande effektmål"]


def test_docx_milestone_table_and_viljeriktningar(tmp_path):
    path = synthetic.render_docx(
        tmp_path / "plan.docx",
        [
            ("heading", "Förändrings- och genomförandeplan 2027"),
            ("paragraph", "Planen beskriver milstolpar per insatsområde."),
            ("heading", ("Nära vård", 2)),
            ("bullet", "En mer nära vård utifrån invånarnas behov"),
            ("bullet", "Invånarnas olika behov av kontinuitet och tillgänglighet ska mötas på "
                       "mest effektiva sätt"),
            ("paragraph", "Tabell 1. Beskrivning av varje milstolpe."),
            ("table", [
                HEADER,
                ["Nära vård", "2027",
                 "Mobila team i hela Skåne\nTeamen når invånare i hemmet dygnet runt.",
                 "Färre akuta besök (inv)\n\nBättre samordning med kommunen (sys, vsh)",
                 "Nära vård är ett förhållningssätt\n• Personen upplever trygghet",
                 "Bättre kvalitet\n\nÖkad tillgänglighet"],
                ["", "2028", "Gemensam journal med kommunerna\nInformationen följer patienten.",
                 "Säkrare vård (inv)", "", ""],
            ]),
        ],
    )
    doc = read_document(path, "plan")
    plan = extract_milestones(doc)
    assert [(m.area, m.year, m.title, m.description) for m in plan.milestones] == [
        ("Nära vård", 2027, "Mobila team i hela Skåne",
         "Teamen når invånare i hemmet dygnet runt."),
        ("Nära vård", 2028, "Gemensam journal med kommunerna", "Informationen följer patienten."),
    ]
    assert [(e.text, e.targets) for e in plan.milestones[0].effects] == [
        ("Färre akuta besök", ["inv"]),
        ("Bättre samordning med kommunen", ["sys", "vsh"]),
    ]
    assert [m.statement for m in plan.malbilder] == ["Nära vård är ett förhållningssätt"]
    assert [e.name for e in plan.effektmal] == ["Bättre kvalitet", "Ökad tillgänglighet"]
    statements = extract_viljeriktningar(doc).viljeriktningar
    assert [(v.area, v.number) for v in statements] == [("Nära vård", 1), ("Nära vård", 2)]
