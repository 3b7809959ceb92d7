"""What the generated documents say: milestone rows, målbilder and viljeriktningar.

Copied from the 2023 implementation plan (corpus 002) and the roadmap, so that a file
generated in any layout holds text with the real difficulties (tags written in every
way, titles wrapped by hand, rows without a year), and the records read back can be
compared with what was put in. ``rows_from_records`` and ``malbilder_from_records`` turn
extracted records back into this shape, for round trips.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


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
