"""Realistic synthetic input files: the PDFs and Word files fhs-nlp must read.

The real strategy documents are only available to us as extracted text, so the readers
are tested (and benchmarked) on files generated here that reproduce what makes the
real ones hard: a landscape, ruled milestone table (Tabell 1 of the implementation plan)
with the area and year cells rotated 90°, a caption, header row and footers repeated on
every page, cells spanning rows; a viljeriktning table with bullet lists; plain prose
with running headers; and the broken files users send (password-protected, scanned,
truncated, renamed).

reportlab and python-docx are imported inside the functions: reportlab is only a
development dependency, and importing this module must not need it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

#: Caption of Tabell 1 in the 2023 implementation plan; continuation pages prefix
#: "Fortsättning ".
MILESTONE_CAPTION = (
    "Tabell 1. Beskrivning av varje milstolpe och önskade effekter för invånarna, "
    "systemet och/eller verksamheter av varje milstolpe på kort- och långsikt."
)
#: Header row of Tabell 1; the narrow first column (the rotated area) has no header.
MILESTONE_HEADERS = (
    "",
    "År",
    "Milstolpe",
    "Effekter av uppnådd milstolpe på kort sikt för invånarna (inv), systemet (sys), "
    "verksamheter (vsh)",
    "Målbilder per insatsområde som beskriver långsiktiga önskade effekter",
    "Övergripande effektmål",
)
#: The 5 övergripande effektmål as the plan lists them.
EFFEKTMAL = [
    "Bättre befolkningshälsa",
    "Bättre upplevelse för patienter och medarbetare",
    "Bättre kvalitet",
    "Ökad tillgänglighet",
    "Effektiva processer",
]
DEFAULT_CASE_NUMBER = "2023-POL000009-001"

_FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
)


@dataclass
class MilestoneRowSpec:
    """One row of Tabell 1, as the generator should draw it.

    ``effects`` holds (text, tags) pairs, e.g. ("Tryggare patient", ["inv"]); a row
    without ``year`` leaves the År cell empty, as some rows of the real plan do.
    """

    area: str
    year: int | None
    title: str
    description: str
    effects: list[tuple[str, list[str]]] = field(default_factory=list)
    previous_wording: str | None = None

    def effect_lines(self) -> list[str]:
        """The effects as drawn: "text (inv, sys)", or just "text" without tags."""
        return [f"{text} ({', '.join(tags)})" if tags else text for text, tags in self.effects]


# --- sample data copied from the 2023 implementation plan (corpus 002) ------------------

#: Real rows of Tabell 1 (corpus document 002), three areas, for tests and benchmarks.
SAMPLE_MILESTONE_ROWS: list[MilestoneRowSpec] = [
    MilestoneRowSpec(
        "Personcentrerat arbetssätt",
        None,
        "Modell för invånarinvolvering",
        "Finns en modell för att arbeta med invånarinvolvering i hela hälsosystemet",
        [
            (
                "Ökad möjlighet till påverkan av hälso- och sjukvårdens utveckling för att "
                "mer resillient hälso och sjukvårdssystem",
                ["inv"],
            ),
            ("Invånarens perspektiv inhämtas på alla nivåer", ["sys"]),
            ("Beslut som fattas utgår i större utsträckning från invånarnas behov", ["sys"]),
            ("Undvika att fastna i organisationens behov.", ["sys"]),
        ],
    ),
    MilestoneRowSpec(
        "Personcentrerat arbetssätt",
        2023,
        "Struktur för att implementera, följa upp och agera på personcentrerade "
        "sammanhållna vårdförlopp etablerad",
        "Personcentrerade och sammanhållna vårdförlopp baseras på bästa tillgängliga "
        "kunskap och är ett av de kunskapsstöd som utarbetas inom det nationella "
        "kunskapsstyrningssystemet.",
        [
            ("Öka jämlikheten, effektiviteten och kvaliteten i vården.", []),
            (
                "Patienter upplever en mer välorganiserad och helhetsorienterad process "
                "utan onödig väntetid",
                ["inv"],
            ),
            (
                "Patienternas livskvalitet och nöjdhet med vården förbättras och vården bli "
                "mer jämlik och jämställd",
                ["inv"],
            ),
            ("Ökad trygghet för patienten", ["inv"]),
        ],
        previous_wording="Personcentrerade och sammanhållna vårdförlopp integrerade i den "
        "kliniska vardagen",
    ),
    MilestoneRowSpec(
        "Personcentrerat arbetssätt",
        2024,
        "Uppföljningsverktyg för invånarnas upplevelser, synpunkter och förslag framtagit",
        "Finns uppföljningsverktyg för invånarnas upplevelser, synpunkter och "
        "förbättringsförslag som en integrerad del av utvecklingsarbetet",
        [
            (
                "Invånaren upplever bättre tillgänglighet när mer ändamålsenliga tjänster erbjuds",
                ["inv"],
            ),
            (
                "Invånarnas önskemål och behov leder till utveckling av tjänster och utbud",
                ["sys", "vsh"],
            ),
            ("Ökad kunskap om invånarna ökar möjligheten till bättre bemötande", ["inv"]),
        ],
    ),
    MilestoneRowSpec(
        "Personcentrerat arbetssätt",
        2024,
        "Finns en struktur så att patientkontrakt kan erbjudas till dem som har behov av det",
        "Syftet med patientkontrakt är att genom en gemensam överenskommelse mellan patient "
        "och vårdgivare säkerställa delaktighet, samordning, tillgänglighet och samverkan, "
        "med patientens perspektiv som utgångspunkt.",
        [
            ("Tryggare patient", ["inv"]),
            ("Effektivare vård", ["sys", "vsh"]),
            (
                "Samverkan mellan olika vårdande organisationer underlättas",
                ["vsh", "sys"],
            ),
        ],
    ),
    MilestoneRowSpec(
        "Personcentrerat arbetssätt",
        2025,
        "Mätmetoder för uppföljning och förstärkning av ett personcentrerat arbetssätt och "
        "personcentrerat ledarskap är framtagna",
        "För att förstärka medarbetarnas förutsättningar och möjligheter att utöva "
        "personcentrerad vård, behövs en ledning och styrning av verksamheter som utgår "
        "från patientens/individens berättelse och behov.",
        [
            (
                "Uppföljning och styrning av verksamhet utgår från patientens tillgodosedda behov",
                ["sys"],
            ),
            ("Tryggare patienter", ["inv"]),
            ("Ökad kvalitet i vårdinsatser", ["sys", "vsh"]),
            ("Tryggare medarbetare", ["vsh"]),
        ],
    ),
    MilestoneRowSpec(
        "Nära vård",
        2022,
        "Kommunikationsplattform etablerad",
        "Kommunikationsstöd och -aktiviteter till olika målgrupper för att fördjupa "
        "förståelsen kring Framtidens hälsosystem och skapa dialog för att identifiera vad "
        "strategin innebär för den målgruppen och på vilka sätt den kan bidra till att "
        "uppnå mål",
        [
            (
                "Dialog kring vad Framtidens hälsosystem/nära vård innebär och varför vi "
                "behöver röra oss framåt tillsammans",
                ["vsh"],
            ),
            (
                "Få medarbetare och samarbetspartners att förstå syftet, känna sig delaktiga "
                "och bidra till omställningen",
                ["vsh", "sys"],
            ),
        ],
    ),
    MilestoneRowSpec(
        "Nära vård",
        2023,
        "Gemensam definition av vårdnivåer och roller framtagen",
        "Definition av hälso-, vård- och omsorgsnivåer och dess olika roller; inkluderar "
        "Nära Vård, den primära vården, sjukhusens och universitetssjukhusens framtida "
        "roller, men även forskningens och digitaliseringens roll. Görs tillsammans med "
        "berörda aktörer.",
        [
            ("Ett system som är lätt att förstå", ["inv"]),
            ("Grund för att ställa om vården och göra Nära Vård-förflyttningar", ["sys"]),
            ("Vårdnivåer identifieras och fastställs", ["sys"]),
        ],
        previous_wording="Gemensam definition av nivåer och roller i FHS",
    ),
    MilestoneRowSpec(
        "Nära vård",
        2023,
        "Enhetlig modell för regional hantering av läkemedel vid vård i hemmet är framtagen",
        "Läkemedelshantering vid vård i hemmet utmanar nuvarande läkemedelslagstiftning, i "
        "olika delar. Här behövs en regional enhetlighet – i första hand inom ramen för "
        "gällande lagstiftning",
        [
            (
                "Patientsäker läkemedelshantering vid vård i hemmet och i enlighet med "
                "gällande lagar och förordningar",
                ["inv", "vsh", "sys"],
            ),
            (
                "Kvalitetssäkrad läkemedelshantering och god arbetsmiljö vid "
                "läkemedelshantering i hemmiljö",
                [],
            ),
        ],
    ),
    MilestoneRowSpec(
        "Nära vård",
        2023,
        "Samlad plan för olika former av vård i hemmet framtagen",
        "Utifrån rapport om prehospital och mobil vård i Skåne utformas en plan för en "
        "enhetlig och kostnadseffektiv väg framåt.",
        [
            (
                "Information, samordning och innehåll i den vård som bedrivs i invånares hem "
                "är enhetlig, håller jämn kvalitet, och är i sitt upplägg transparent för "
                "individen och alla delar av hälsosystemet.",
                [],
            ),
        ],
    ),
    MilestoneRowSpec(
        "Nära vård",
        2024,
        "Ersättningsmodell för omställning till Nära Vård framtagen",
        "Modellen ska vara enkel att förstå, lätt att administrera, rimligt rättvis och svår "
        "att manipulera.",
        [("Nära-vårdinitiativ i samverkan främjas", ["sys"])],
    ),
    MilestoneRowSpec(
        "Digitalisering",
        2022,
        "Gemensam digital servicenivå för hela organisationen i mötet med invånarna",
        "En gemensam digital servicenivå gör att invånarna upplever ett enhetligt digitalt "
        "utbud. Alla liknande enheter har samma digitala utbud.",
        [
            (
                "Igenkänning, hög nyttjandegrad och upplevd hög kvalitet och tillgänglighet "
                "för invånarna",
                ["inv"],
            ),
            ("Attraktiv och ändamålsenlig arbetsmiljö", ["sys", "vsh"]),
            ("Effektiv IT-förvaltning", ["sys"]),
        ],
    ),
    MilestoneRowSpec(
        "Digitalisering",
        2022,
        "Strategi och flerårig handlingsplan för Skånegemensam digitalisering.",
        "Syftar till är att förtydliga och utveckla ramverket för samverkan kring "
        "information och informationssystem samt digitala tjänster och verktyg.",
        [
            (
                "Möta behov av utveckling och drift av gemensamma digitala tjänster och "
                "verktyg för att stärka invånarens upplevelse av en sammanhållen vård",
                ["sys"],
            ),
            ("Effektivt samarbete och utbyte av information mellan kommuner och region", ["sys"]),
        ],
    ),
    MilestoneRowSpec(
        "Digitalisering",
        2023,
        "Strategisk plan för digitalisering och digital transformation och "
        "informationsdriven vård är framtagen",
        "En strategisk plan behövs för att med kraft klara en nödvändig omställning av "
        "vården, skapa en konkurrenskraftig forskningsmiljö, nyttja alla möjligheter som AI "
        "och digitalisering ger samt att ha en plan att hantera de hinder som finns.",
        [
            (
                "Informationsdriven vård omfattar komplexitet och skapar förutsättningar att "
                "se både helhet och individuella behov",
                [],
            ),
            (
                "Digital transformation och informationsdriven vård bidrar till att hantera "
                "vårdens utmaningar och underlätta förflyttningen mot nära vård",
                [],
            ),
        ],
    ),
    MilestoneRowSpec(
        "Digitalisering",
        2023,
        "Etablerad samarbetsstruktur och arkitektur att stötta och driva virtuell vård",
        "Etablerad struktur och arkitektur för distansmonitorering och egenmonitorering av "
        "tjänster för att effektivt kunna möta invånarnas behov dygnet runt.",
        [
            (
                "Data inhämtad genom egenmonitorering sker genom gemensamt upphandlad teknik, "
                "som både patienter och personal känner igen sig i",
                [],
            ),
        ],
    ),
]

#: Målbilder of the three sample areas (statement, bullets), from corpus 002.
SAMPLE_MALBILDER: dict[str, tuple[str, list[str]]] = {
    "Personcentrerat arbetssätt": (
        "Personen i sin livssituation är den viktigaste aktören i hälsosystemet.",
        ["Personen och professionen skapar värde tillsammans"],
    ),
    "Nära vård": (
        "Nära vård är ett förhållningssätt som bygger på tillitsfulla och ömsesidiga relationer",
        [
            "Personen upplever - utifrån sina behov och förutsättningar - ett sammanhållet "
            "hälsosystem med hälsa i fokus, som är lätt att nå och förstå",
            "Personen upplever trygghet och kontinuitet",
            "Alla ges rätt förutsättningar, känner fullt stöd och samagerar för bästa möjliga "
            "livskvalitet",
        ],
    ),
    "Digitalisering": (
        "I Framtidens hälsosystem finns digitala möjligheter som skapar värde och är stöd "
        "både för individen under sin hälsoresa och för medarbetare i arbetsuppgifter, "
        "kontakter och samverkan.",
        [
            "Invånare upplever hälsosystemet som ett samspel mellan digital teknik och "
            "erbjudna tjänster",
            "Kontinuerliga data ger förutsättningar för en individualiserad hälsa och vård "
            "med högsta kvalitet",
            "Integrerade kunskapsstöd ger säker vård i hela systemet",
            "Automatisering av enkla och standardiserade uppgifter används där det är möjligt",
        ],
    ),
}

#: (group, area, viljeriktningar) rows as the färdplan (corpus 000) lists them.
SAMPLE_VILJERIKTNINGAR: list[tuple[str, str, list[str]]] = [
    (
        "Processer och arbetssätt",
        "Personcentrerat arbetssätt",
        [
            "Vi utgår från personens behov, förutsättningar och resurser",
            "Vi involverar invånare och patienter i utvecklingen av hälsosystemet",
            "Vi skapar en gemensam bild av personens hälsa och vård",
        ],
    ),
    (
        "Processer och arbetssätt",
        "Hälsofrämjande och förebyggande insatser",
        [
            "Vi arbetar hälsofrämjande och förebyggande i alla möten",
            "Vi stärker invånarnas förmåga att ta hand om sin hälsa",
        ],
    ),
    (
        "Organisation och styrning",
        "Nära vård",
        [
            "Vi bygger vården kring personen och dess närmiljö",
            "Vi utvecklar primärvården som navet i hälsosystemet",
            "Vi samverkar över organisationsgränser för en sammanhållen vård",
        ],
    ),
]


# --- fonts and small drawing helpers -------------------------------------------------


def register_fonts() -> tuple[str, str]:
    """Register DejaVu Sans (regular, bold) if present; fall back to Helvetica.

    DejaVu is preferred because it is embedded with a ToUnicode map, so å, ä, ö come back
    from the PDF exactly; Helvetica (WinAnsi) covers them too but is not embedded.
    """
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "FhsSans" in pdfmetrics.getRegisteredFontNames():
        return "FhsSans", "FhsSans-Bold"
    for folder in _FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            pdfmetrics.registerFont(TTFont("FhsSans", str(regular)))
            pdfmetrics.registerFont(TTFont("FhsSans-Bold", str(bold)))
            addMapping("FhsSans", 0, 0, "FhsSans")
            addMapping("FhsSans", 1, 0, "FhsSans-Bold")
            addMapping("FhsSans", 0, 1, "FhsSans")
            addMapping("FhsSans", 1, 1, "FhsSans-Bold")
            return "FhsSans", "FhsSans-Bold"
    return "Helvetica", "Helvetica-Bold"


def _style(name: str, size: float, *, bold: bool = False, **kw: Any) -> Any:
    from reportlab.lib.styles import ParagraphStyle

    regular, bold_font = register_fonts()
    return ParagraphStyle(
        name, fontName=bold_font if bold else regular, fontSize=size, leading=size * 1.2, **kw
    )


def _para(text: str, style: Any) -> Any:
    from reportlab.platypus import Paragraph

    return Paragraph(escape(text), style)


def _stack_height(flowables: Sequence[Any], width: float) -> float:
    """Height of paragraphs stacked in a cell of ``width`` (spaceAfter included)."""
    total = 0.0
    for i, f in enumerate(flowables):
        _, h = f.wrap(width, 10_000)
        total += h
        if i < len(flowables) - 1:
            total += f.getSpaceAfter()
    return total


def _draw_stack(canvas: Any, flowables: Sequence[Any], x: float, top: float, width: float) -> None:
    """Draw paragraphs top-down from ``top`` (PDF coordinates, y grows upwards)."""
    y = top
    for f in flowables:
        _, h = f.wrap(width, 10_000)
        f.drawOn(canvas, x, y - h)
        y -= h + f.getSpaceAfter()


def _draw_rotated_lines(
    canvas: Any, lines: Sequence[str], x0: float, top: float, font: str, size: float
) -> None:
    """Draw ``lines`` rotated 90° counter-clockwise (reading bottom-to-top), first line
    leftmost, each ending ``top`` - padding: the way Word draws a "text direction" cell."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    leading = size * 1.2
    for i, line in enumerate(lines):
        baseline_x = x0 + size * 0.95 + i * leading
        width = stringWidth(line, font, size)
        canvas.saveState()
        canvas.translate(baseline_x, top - width)
        canvas.rotate(90)
        canvas.setFont(font, size)
        canvas.drawString(0, 0, line)
        canvas.restoreState()


def _footer(canvas: Any, page_w: float, left: str, right: str, font: str) -> None:
    canvas.setFont(font, 8)
    canvas.drawString(36, 22, left)
    canvas.drawRightString(page_w - 36, 22, right)


# --- Tabell 1: the milestone table ----------------------------------------------------

_PAD = 3.0
_COL_WIDTHS = (30.0, 24.0, 250.0, 210.0, 160.0, 96.0)


@dataclass
class _PlannedRow:
    spec: MilestoneRowSpec
    height: float


@dataclass
class _PlannedPage:
    area: str
    continued: bool
    rows: list[_PlannedRow]


def _milestone_cell_flowables(row: MilestoneRowSpec) -> tuple[list[Any], list[Any]]:
    body = _style("ms-body", 8)
    effect = _style("ms-effect", 8, spaceAfter=5)
    title = f"<b>{escape(row.title)}</b>"
    parts = [title]
    if row.previous_wording:
        parts.append(escape(f"Omformulering av milstolpe 2022: {row.previous_wording}"))
    if row.description:
        parts.append(escape(row.description))
    from reportlab.platypus import Paragraph

    milestone = [Paragraph("<br/>".join(parts), body)]
    effects = [_para(text, effect) for text in row.effect_lines()]
    return milestone, effects


def _malbild_flowables(malbild: tuple[str, list[str]] | None) -> list[Any]:
    if malbild is None:
        return []
    statement, bullets = malbild
    out = [_para(statement, _style("mb-statement", 8, spaceAfter=5))]
    bullet_style = _style("mb-bullet", 8, leftIndent=8, firstLineIndent=-8)
    out += [_para(f"• {b}", bullet_style) for b in bullets]
    return out


def render_milestone_table_pdf(
    path: Path | str,
    rows: Sequence[MilestoneRowSpec],
    malbilder: dict[str, tuple[str, list[str]]],
    effektmal: Sequence[str],
    *,
    case_number: str = DEFAULT_CASE_NUMBER,
    rows_per_page: int = 4,
) -> Path:
    """Draw a landscape, ruled Tabell 1 like the 2023 implementation plan's.

    Each page: the caption ("Tabell 1. …" on page 1, "Fortsättning Tabell 1. …" after),
    the header row, then up to ``rows_per_page`` rows of one area. The area label is one
    cell rotated 90° spanning the page's rows ("<Area> (forts)" on continuation pages);
    the year cell is rotated too; the målbild and effektmål cells span the page's rows.
    Footers: the case number (left) and "<n> (<total>)" (right). A new page starts when
    the area changes or the next row would not fit. Returns ``path``.
    """
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen.canvas import Canvas

    if rows_per_page < 1:
        raise ValueError("rows_per_page must be at least 1")
    path = Path(path)
    regular, bold = register_fonts()
    page_w, page_h = landscape(A4)
    left = 36.0
    table_w = sum(_COL_WIDTHS)
    xs = [left]
    for w in _COL_WIDTHS:
        xs.append(xs[-1] + w)
    caption_style = _style("caption", 9)
    header_style = _style("header", 8, bold=True)
    header_cells = [_para(h, header_style) if h else None for h in MILESTONE_HEADERS]
    header_h = (
        max(_stack_height([c], _COL_WIDTHS[i] - 2 * _PAD) for i, c in enumerate(header_cells) if c)
        + 2 * _PAD
    )
    effektmal_flow = [_para(name, _style("em", 8, spaceAfter=5)) for name in effektmal]

    def caption(continued: bool) -> Any:
        return _para(("Fortsättning " if continued else "") + MILESTONE_CAPTION, caption_style)

    caption_h = _stack_height([caption(True)], table_w)
    table_top = page_h - 30 - caption_h - 6
    avail = table_top - header_h - 40  # footer zone below

    def row_height(spec: MilestoneRowSpec) -> float:
        milestone, effects = _milestone_cell_flowables(spec)
        h = max(
            _stack_height(milestone, _COL_WIDTHS[2] - 2 * _PAD),
            _stack_height(effects, _COL_WIDTHS[3] - 2 * _PAD) if effects else 0.0,
            stringWidth(str(spec.year), regular, 8) if spec.year else 0.0,
        )
        return h + 2 * _PAD

    # plan pages: group rows by area, split when full
    pages: list[_PlannedPage] = []
    for spec in rows:
        h = row_height(spec)
        if h > avail:
            raise ValueError(f"row '{spec.title[:40]}' is too tall for one page")
        current = pages[-1] if pages else None
        if (
            current is None
            or current.area != spec.area
            or len(current.rows) >= rows_per_page
            or sum(r.height for r in current.rows) + h > avail
        ):
            continued = current is not None and current.area == spec.area
            current = _PlannedPage(spec.area, continued, [])
            pages.append(current)
        current.rows.append(_PlannedRow(spec, h))

    path.parent.mkdir(parents=True, exist_ok=True)
    canvas = Canvas(str(path), pagesize=(page_w, page_h))
    canvas.setTitle("Genomförandeplan Framtidens hälsosystem – Tabell 1 (syntetisk)")
    total = len(pages)
    for number, page in enumerate(pages, start=1):
        # caption
        cap = caption(number > 1)
        _draw_stack(canvas, [cap], left, page_h - 30, table_w)
        # the spanning cells decide the minimum height of the page's rows
        label = page.area + (" (forts)" if page.continued else "")
        malbild_flow = _malbild_flowables(malbilder.get(page.area))
        span_need = (
            max(
                _stack_height(malbild_flow, _COL_WIDTHS[4] - 2 * _PAD) if malbild_flow else 0.0,
                _stack_height(effektmal_flow, _COL_WIDTHS[5] - 2 * _PAD) if effektmal_flow else 0.0,
            )
            + 2 * _PAD
        )
        heights = [r.height for r in page.rows]
        if sum(heights) < span_need:
            heights[-1] += span_need - sum(heights)
        while len(simpleSplit(label, bold, 9, sum(heights) - 2 * _PAD)) > 2:
            heights[-1] += 10
        if sum(heights) > avail + 30:
            raise ValueError(f"the målbild of '{page.area}' does not fit on one page")
        # header row
        y = table_top
        for i, cell in enumerate(header_cells):
            if cell is not None:
                _draw_stack(canvas, [cell], xs[i] + _PAD, y - _PAD, _COL_WIDTHS[i] - 2 * _PAD)
        header_bottom = y - header_h
        # body rows
        y = header_bottom
        row_bottoms = []
        for planned, h in zip(page.rows, heights, strict=True):
            spec = planned.spec
            milestone, effects = _milestone_cell_flowables(spec)
            if spec.year is not None:
                _draw_rotated_lines(canvas, [str(spec.year)], xs[1] + 4, y - _PAD, regular, 8)
            _draw_stack(canvas, milestone, xs[2] + _PAD, y - _PAD, _COL_WIDTHS[2] - 2 * _PAD)
            _draw_stack(canvas, effects, xs[3] + _PAD, y - _PAD, _COL_WIDTHS[3] - 2 * _PAD)
            y -= h
            row_bottoms.append(y)
        table_bottom = y
        # spanning cells: area label (rotated), målbild, effektmål
        label_lines = simpleSplit(label, bold, 9, header_bottom - table_bottom - 2 * _PAD)
        _draw_rotated_lines(canvas, label_lines, xs[0] + 2, header_bottom - _PAD, bold, 9)
        _draw_stack(
            canvas, malbild_flow, xs[4] + _PAD, header_bottom - _PAD, _COL_WIDTHS[4] - 2 * _PAD
        )
        _draw_stack(
            canvas, effektmal_flow, xs[5] + _PAD, header_bottom - _PAD, _COL_WIDTHS[5] - 2 * _PAD
        )
        # grid: outer frame, header line, row lines only across År..Effekter
        canvas.setLineWidth(0.6)
        canvas.line(xs[0], table_top, xs[-1], table_top)
        canvas.line(xs[0], header_bottom, xs[-1], header_bottom)
        for bottom in row_bottoms[:-1]:
            canvas.line(xs[1], bottom, xs[4], bottom)
        canvas.line(xs[0], table_bottom, xs[-1], table_bottom)
        for x in xs:
            canvas.line(x, table_top, x, table_bottom)
        _footer(canvas, page_w, case_number, f"{number} ({total})", regular)
        canvas.showPage()
    canvas.save()
    return path


# --- viljeriktning table ---------------------------------------------------------------


def render_viljeriktning_table_pdf(
    path: Path | str, areas: Sequence[tuple[str, str, list[str]]]
) -> Path:
    """Draw the färdplan's table of (group | Område | Viljeriktning) on a portrait page.

    The group cell is written once per group and spans that group's rows; each
    viljeriktning is a "• …" line of its own, as in the source before HTML conversion
    flattened it. Returns ``path``.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = _style("vr-body", 9)
    bold = _style("vr-bold", 9, bold=True)
    bullet = _style("vr-bullet", 9, leftIndent=9, firstLineIndent=-9)
    data: list[list[Any]] = [
        [_para("Grupp", bold), _para("Område", bold), _para("Viljeriktning", bold)]
    ]
    spans: list[tuple[str, tuple[int, int], tuple[int, int]]] = []
    previous_group = None
    group_start = 1
    for i, (group, area, directions) in enumerate(areas, start=1):
        if group != previous_group:
            if previous_group is not None and i - 1 > group_start:
                spans.append(("SPAN", (0, group_start), (0, i - 1)))
            group_start = i
            group_cell: Any = _para(group, body)
            previous_group = group
        else:
            group_cell = ""
        data.append([group_cell, _para(area, body), [_para(f"• {d}", bullet) for d in directions]])
    if previous_group is not None and len(areas) > group_start:
        spans.append(("SPAN", (0, group_start), (0, len(areas))))
    table = Table(data, colWidths=[130, 130, 250], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.6, "black"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                *spans,
            ]
        )
    )
    doc = SimpleDocTemplate(str(path), pagesize=A4, title="Viljeriktningar (syntetisk)")
    doc.build([table])
    return path


# --- prose --------------------------------------------------------------------------------


def render_text_pdf(
    path: Path | str,
    paragraphs: Sequence[str],
    *,
    title: str | None = None,
    header: str = "Region Skåne – Framtidens hälsosystem",
) -> Path:
    """Write prose over as many portrait pages as it needs, with a running header and a
    "Sida n av N" footer on every page: the shape of drafts and verksamhetsplaner.

    Returns ``path``.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    regular, _ = register_fonts()
    body = _style("prose", 10, spaceAfter=8)

    def build(total: int | None) -> int:
        # a fresh story per pass: platypus splits paragraphs in place while laying out
        story = []
        if title:
            story.append(_para(title, _style("prose-title", 16, bold=True, spaceAfter=12)))
        story += [_para(p, body) for p in paragraphs]
        pages_seen = [0]

        def on_page(canvas: Any, doc: Any) -> None:
            pages_seen[0] = doc.page
            canvas.saveState()
            canvas.setFont(regular, 8)
            canvas.drawString(56, A4[1] - 36, header)
            where = f"Sida {doc.page} av {total}" if total else f"Sida {doc.page}"
            canvas.drawRightString(A4[0] - 56, 30, where)
            canvas.restoreState()

        doc = SimpleDocTemplate(
            str(path),
            pagesize=A4,
            leftMargin=56,
            rightMargin=56,
            topMargin=60,
            bottomMargin=60,
            title=title or "Text (syntetisk)",
        )
        doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
        return pages_seen[0]

    total = build(None)  # first pass counts the pages for "av N"
    build(total)
    return path


# --- Word ---------------------------------------------------------------------------------


def render_docx(path: Path | str, blocks: Sequence[tuple[str, Any]]) -> Path:
    """Write a Word file from ("heading"|"paragraph"|"bullet"|"table"|"page_break", content)
    blocks, like a unit's verksamhetsplan.

    heading: text, or (text, level); paragraph/bullet: text; table: rows of cell texts
    (first row is the header); page_break: content ignored. Returns ``path``.
    """
    import docx

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    document = docx.Document()
    for kind, content in blocks:
        if kind == "heading":
            text, level = (content, 1) if isinstance(content, str) else content
            document.add_heading(text, level=level)
        elif kind == "paragraph":
            document.add_paragraph(content)
        elif kind == "bullet":
            document.add_paragraph(content, style="List Bullet")
        elif kind == "table":
            rows = list(content)
            n_cols = max(len(r) for r in rows)
            table = document.add_table(rows=len(rows), cols=n_cols)
            table.style = "Table Grid"
            for r, row in enumerate(rows):
                for c, text in enumerate(row):
                    table.cell(r, c).text = text
        elif kind == "page_break":
            document.add_page_break()
        else:
            raise ValueError(
                f"unknown block kind '{kind}'; use heading, paragraph, bullet, table or page_break"
            )
    document.save(str(path))
    return path


# --- broken files users send ------------------------------------------------------------


def _one_page_pdf(lines: Sequence[str], **canvas_kw: Any) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    regular, _ = register_fonts()
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4, **canvas_kw)
    canvas.setFont(regular, 11)
    for i, line in enumerate(lines):
        canvas.drawString(72, A4[1] - 90 - i * 16, line)
    canvas.showPage()
    canvas.save()
    return buf.getvalue()


def make_encrypted_pdf(
    path: Path | str, *, user_password: str = "hemligt", owner_password: str = "ägare"
) -> Path:
    """A password-protected PDF. With ``user_password=""`` it only has an owner password
    (restricts printing/copying) and opens without asking: such files must be read."""
    from reportlab.lib.pdfencrypt import StandardEncryption

    path = Path(path)
    encryption = StandardEncryption(
        user_password, ownerPassword=owner_password, canPrint=0, canCopy=0, strength=128
    )
    path.write_bytes(
        _one_page_pdf(
            ["Verksamhetsplan 2024 för Vårdcentralen Östra Sorgenfri", "Nära vård för alla."],
            encrypt=encryption,
        )
    )
    return path


def make_scanned_pdf(path: Path | str) -> Path:
    """A PDF whose only page is a picture of text: what a scanner produces without OCR."""
    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    path = Path(path)
    image = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(["Verksamhetsplan 2024", "Vårdcentralen Åby – nära vård"]):
        draw.text((120, 150 + i * 60), line, fill=0)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    buf.seek(0)
    canvas = Canvas(str(path), pagesize=A4)
    canvas.drawImage(ImageReader(buf), 0, 0, width=A4[0], height=A4[1])
    canvas.showPage()
    canvas.save()
    return path


def make_corrupt_pdf(path: Path | str) -> Path:
    """A PDF cut off after its header: what an interrupted download leaves behind."""
    path = Path(path)
    data = _one_page_pdf(["Genomförandeplan för Framtidens hälsosystem"])
    path.write_bytes(data[:120])
    return path


def make_empty_pdf(path: Path | str) -> Path:
    """A valid PDF with one blank page: nothing to read, no image either."""
    path = Path(path)
    path.write_bytes(_one_page_pdf([]))
    return path


def make_fake_docx(path: Path | str) -> Path:
    """Plain text saved with a .docx extension: a file renamed instead of converted."""
    path = Path(path)
    path.write_text("Verksamhetsplan 2024\nDetta är ingen Word-fil, bara text.\n", "utf-8")
    return path


def rows_from_records(milestones: Sequence[Any]) -> list[MilestoneRowSpec]:
    """Row specs from extracted :class:`~fhs_nlp.datamodel.records.Milestone` records.

    Used to draw the milestones read from a text as the landscape table a PDF would
    have, so that the PDF reader and the text reader can be checked against each other.
    """
    return [
        MilestoneRowSpec(
            area=m.area or "",
            year=m.year,
            title=m.title,
            description=m.description,
            effects=[(e.text, list(e.targets)) for e in m.effects],
            previous_wording=m.previous_wording,
        )
        for m in milestones
    ]


def malbilder_from_records(malbilder: Sequence[Any]) -> dict[str, tuple[str, list[str]]]:
    """The målbild column per area, from extracted :class:`~fhs_nlp.datamodel.records.Malbild`."""
    return {m.area: (m.statement, list(m.bullets)) for m in malbilder}
