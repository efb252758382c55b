# ruff: noqa: E501 -- the catalogue below is a table, one indicator to a few long lines
"""Demonstration data for the indicators: the demo cities as territorial units, a shared
catalogue of 32 indicators across the domains, five years of figures for every member
municipality of the demo groups and for Poznań's districts, and an open data round.

Every figure made here is marked as demonstration data (its source says so, in the
history too): the numbers are plausible, not true.
"""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from groups import services as group_services
from groups.models import Country, Group, GroupUnit, Membership, TerritorialUnit, UnitLevel, User
from indicators import services
from indicators.models import (
    DataRound,
    Direction,
    Domain,
    GroupIndicator,
    Indicator,
    Measure,
    Submission,
    Value,
    ValueChange,
    ValueSource,
    ValueStatus,
)

DEMO_NOTE = "Dane demonstracyjne / Демонстраційні дані / Demonstration data"
YEARS = range(2020, 2025)

PL, UA = Country.POLAND, Country.UKRAINE
L = UnitLevel

# code: (country, level, name, population)
UNITS = {
    "2661011": (PL, L.CITY_COUNTY, "Kielce", 187_000),
    "0663011": (PL, L.CITY_COUNTY, "Lublin", 333_000),
    "3064011": (PL, L.CITY_COUNTY, "Poznań", 540_000),
    "0461011": (PL, L.CITY_COUNTY, "Bydgoszcz", 330_000),
    "1002011": (PL, L.GMINA_URBAN, "Kutno", 42_000),
    "3021022": (PL, L.GMINA_RURAL, "Dopiewo", 30_000),
    "1405013": (PL, L.GMINA_URBAN_RURAL, "Błonie", 21_000),
    "0415052": (PL, L.GMINA_RURAL, "Lubicz", 20_000),
    "2604103": (PL, L.GMINA_URBAN_RURAL, "Morawica", 16_000),
    "1002": (PL, L.POWIAT, "Powiat kutnowski", 95_000),
    "3021": (PL, L.POWIAT, "Powiat poznański", 420_000),
    "2261011": (PL, L.CITY_COUNTY, "Gdańsk", 486_000),
    "1462011": (PL, L.CITY_COUNTY, "Płock", 115_000),
    "1261011": (PL, L.CITY_COUNTY, "Kraków", 800_000),
    "2264011": (PL, L.CITY_COUNTY, "Sopot", 34_000),
    "UA18040410000032427": (UA, L.HROMADA, "Житомирська міська громада", 260_000),
    "UA05020030000031457": (UA, L.HROMADA, "Вінницька міська громада", 370_000),
    "UA61040390000067898": (UA, L.HROMADA, "Тернопільська міська громада", 225_000),
}

# Poznań's five delegatury (TERYT TERC, kind 9), the districts of the demo's intra-city
# monitoring: a few indicators for each, around the city's own figure.
DISTRICT_CITY = "3064011"
DISTRICTS = {
    "3064029": "Poznań-Grunwald",
    "3064039": "Poznań-Jeżyce",
    "3064049": "Poznań-Nowe Miasto",
    "3064059": "Poznań-Stare Miasto",
    "3064069": "Poznań-Wilda",
}
DISTRICT_INDICATORS = (
    "green-area-share",
    "separate-collection-share",
    "pm10-days",
    "municipal-flats-per-1000",
)

D, M, Dir = Domain, Measure, Direction

# fmt: off
# code: (domain, measure, direction, decimals, typical value (PLN for money),
#        (name pl, uk, en), (definition pl, uk, en))
CATALOGUE = {
    "tax-decision-cost": (D.LOCAL_TAXES, M.MONEY, Dir.LOWER, 2, 95, (
        "Koszt wydania jednej decyzji podatkowej", "Вартість підготовки одного податкового рішення", "Cost of issuing one tax decision"), (
        "Wydatki wydziału podatków podzielone przez liczbę wydanych decyzji wymiarowych.", "Видатки податкового відділу, поділені на кількість виданих податкових рішень.", "The tax department's spending divided by the number of assessment decisions issued.")),
    "property-tax-per-capita": (D.LOCAL_TAXES, M.MONEY, Dir.HIGHER, 0, 620, (
        "Dochody z podatku od nieruchomości na mieszkańca", "Надходження податку на нерухомість на мешканця", "Property tax revenue per inhabitant"), (
        "Wpływy z podatku od nieruchomości w roku podzielone przez liczbę mieszkańców.", "Річні надходження податку на нерухомість, поділені на кількість мешканців.", "The year's property tax revenue divided by the population.")),
    "tax-arrears-share": (D.LOCAL_TAXES, M.PERCENT, Dir.LOWER, 1, 6.5, (
        "Zaległości podatkowe w należnościach", "Податкова заборгованість у нарахуваннях", "Tax arrears as a share of taxes due"), (
        "Zaległości na koniec roku jako odsetek należności z podatków lokalnych.", "Заборгованість на кінець року як відсоток нарахованих місцевих податків.", "Arrears at the end of the year as a percentage of local taxes due.")),
    "e-payments-share": (D.LOCAL_TAXES, M.PERCENT, Dir.HIGHER, 1, 48, (
        "Płatności podatków przez internet", "Сплата податків онлайн", "Taxes paid online"), (
        "Odsetek wpłat podatków lokalnych dokonanych elektronicznie.", "Відсоток платежів місцевих податків, здійснених електронно.", "The percentage of local tax payments made electronically.")),
    "decisions-per-official": (D.LOCAL_TAXES, M.COUNT, Dir.HIGHER, 0, 2100, (
        "Decyzje podatkowe na jednego pracownika", "Податкові рішення на одного працівника", "Tax decisions per official"), (
        "Liczba decyzji wymiarowych podzielona przez liczbę etatów w wydziale podatków.", "Кількість податкових рішень, поділена на кількість штатних посад у відділі.", "Assessment decisions divided by the full-time posts of the tax department.")),
    "municipal-land-share": (D.REAL_ESTATE, M.PERCENT, Dir.NEUTRAL, 1, 12, (
        "Grunty gminne w powierzchni gminy", "Комунальні землі у площі громади", "Municipal land as a share of the area"), (
        "Powierzchnia gruntów stanowiących własność gminy jako odsetek jej powierzchni.", "Площа земель комунальної власності як відсоток площі громади.", "Land the municipality owns as a percentage of its area.")),
    "property-sale-revenue-per-capita": (D.REAL_ESTATE, M.MONEY, Dir.NEUTRAL, 0, 110, (
        "Dochody ze sprzedaży mienia na mieszkańca", "Доходи від продажу майна на мешканця", "Revenue from property sales per inhabitant"), (
        "Wpływy ze sprzedaży nieruchomości gminnych w roku na jednego mieszkańca.", "Річні надходження від продажу комунальної нерухомості на одного мешканця.", "The year's revenue from selling municipal property per inhabitant.")),
    "lease-arrears-share": (D.REAL_ESTATE, M.PERCENT, Dir.LOWER, 1, 18, (
        "Zaległości czynszowe w lokalach komunalnych", "Заборгованість з орендної плати в комунальних приміщеннях", "Rent arrears in municipal premises"), (
        "Zaległości czynszowe jako odsetek należnych czynszów za lokale komunalne.", "Заборгованість як відсоток нарахованої орендної плати за комунальні приміщення.", "Rent arrears as a percentage of rent due for municipal premises.")),
    "municipal-flats-per-1000": (D.REAL_ESTATE, M.PER_1000, Dir.NEUTRAL, 1, 28, (
        "Mieszkania komunalne na 1000 mieszkańców", "Комунальні квартири на 1000 мешканців", "Municipal flats per 1,000 inhabitants"), (
        "Liczba lokali mieszkalnych w zasobie gminy na 1000 mieszkańców.", "Кількість квартир у комунальному фонді на 1000 мешканців.", "Flats in the municipality's housing stock per 1,000 inhabitants.")),
    "vacant-premises-share": (D.REAL_ESTATE, M.PERCENT, Dir.LOWER, 1, 7, (
        "Pustostany w zasobie komunalnym", "Порожні приміщення в комунальному фонді", "Vacant municipal premises"), (
        "Lokale niezamieszkane dłużej niż trzy miesiące jako odsetek zasobu.", "Приміщення, порожні понад три місяці, як відсоток фонду.", "Premises empty for over three months as a percentage of the stock.")),
    "road-km": (D.ROADS, M.KM, Dir.NEUTRAL, 1, 420, (
        "Długość dróg gminnych", "Довжина доріг громади", "Length of municipal roads"), (
        "Długość dróg publicznych zarządzanych przez gminę.", "Довжина доріг загального користування, якими управляє громада.", "The length of public roads the municipality manages.")),
    "road-cost-per-km": (D.ROADS, M.MONEY, Dir.NEUTRAL, 0, 38000, (
        "Wydatki na utrzymanie 1 km drogi", "Видатки на утримання 1 км дороги", "Maintenance spending per km of road"), (
        "Bieżące wydatki na utrzymanie dróg podzielone przez ich długość.", "Поточні видатки на утримання доріг, поділені на їх довжину.", "Current road maintenance spending divided by the length of the roads.")),
    "accidents-per-1000": (D.ROADS, M.PER_1000, Dir.LOWER, 2, 1.4, (
        "Wypadki drogowe na 1000 mieszkańców", "Дорожньо-транспортні пригоди на 1000 мешканців", "Road accidents per 1,000 inhabitants"), (
        "Wypadki z udziałem pieszych i pojazdów na drogach gminy, na 1000 mieszkańców.", "ДТП на дорогах громади на 1000 мешканців.", "Accidents on the municipality's roads per 1,000 inhabitants.")),
    "bus-lanes-km": (D.ROADS, M.KM, Dir.HIGHER, 1, 14, (
        "Długość buspasów", "Довжина смуг для автобусів", "Length of bus lanes"), (
        "Długość wydzielonych pasów ruchu dla komunikacji publicznej.", "Довжина виділених смуг для громадського транспорту.", "The length of lanes reserved for public transport.")),
    "public-transport-share": (D.ROADS, M.PERCENT, Dir.HIGHER, 1, 38, (
        "Udział komunikacji publicznej w podróżach", "Частка громадського транспорту в поїздках", "Public transport's share of trips"), (
        "Odsetek podróży mieszkańców odbywanych komunikacją publiczną (badanie ruchu).", "Відсоток поїздок мешканців громадським транспортом (обстеження руху).", "The percentage of residents' trips made by public transport (travel survey).")),
    "waste-per-capita": (D.ENVIRONMENT, M.TONNE, Dir.LOWER, 3, 0.34, (
        "Odpady komunalne na mieszkańca", "Побутові відходи на мешканця", "Municipal waste per inhabitant"), (
        "Masa zebranych odpadów komunalnych w tonach na jednego mieszkańca.", "Маса зібраних побутових відходів у тоннах на одного мешканця.", "Municipal waste collected, in tonnes per inhabitant.")),
    "separate-collection-share": (D.ENVIRONMENT, M.PERCENT, Dir.HIGHER, 1, 41, (
        "Odpady zebrane selektywnie", "Відходи, зібрані роздільно", "Waste collected separately"), (
        "Odpady zebrane selektywnie jako odsetek wszystkich odpadów komunalnych.", "Роздільно зібрані відходи як відсоток усіх побутових відходів.", "Separately collected waste as a percentage of all municipal waste.")),
    "green-area-share": (D.ENVIRONMENT, M.PERCENT, Dir.HIGHER, 1, 9, (
        "Tereny zieleni w powierzchni", "Зелені зони у площі", "Green areas as a share of the area"), (
        "Parki, zieleńce i lasy komunalne jako odsetek powierzchni.", "Парки, сквери та комунальні ліси як відсоток площі.", "Parks, green spaces and municipal woods as a percentage of the area.")),
    "sewer-connection-share": (D.ENVIRONMENT, M.PERCENT, Dir.HIGHER, 1, 88, (
        "Mieszkańcy korzystający z kanalizacji", "Мешканці, підключені до каналізації", "Residents connected to sewers"), (
        "Odsetek mieszkańców przyłączonych do sieci kanalizacyjnej.", "Відсоток мешканців, підключених до каналізаційної мережі.", "The percentage of residents connected to the sewer network.")),
    "pm10-days": (D.ENVIRONMENT, M.DAYS, Dir.LOWER, 0, 32, (
        "Dni z przekroczeniem normy PM10", "Дні з перевищенням норми PM10", "Days above the PM10 limit"), (
        "Liczba dni w roku ze średnim stężeniem PM10 powyżej 50 µg/m³.", "Кількість днів на рік із середньою концентрацією PM10 понад 50 мкг/м³.", "Days in the year with a mean PM10 concentration above 50 µg/m³.")),
    "investment-spending-share": (D.INVESTMENT, M.PERCENT, Dir.HIGHER, 1, 17, (
        "Wydatki inwestycyjne w wydatkach ogółem", "Капітальні видатки в загальних видатках", "Investment as a share of spending"), (
        "Wydatki majątkowe jako odsetek wydatków budżetu.", "Капітальні видатки як відсоток видатків бюджету.", "Capital spending as a percentage of the budget's spending.")),
    "eu-funds-per-capita": (D.INVESTMENT, M.MONEY, Dir.HIGHER, 0, 310, (
        "Środki zewnętrzne na inwestycje na mieszkańca", "Зовнішні кошти на інвестиції на мешканця", "External investment funds per inhabitant"), (
        "Dotacje unijne i inne środki zewnętrzne na inwestycje w roku, na mieszkańca.", "Гранти ЄС та інші зовнішні кошти на інвестиції за рік, на мешканця.", "EU grants and other external investment funds in the year, per inhabitant.")),
    "permit-days": (D.INVESTMENT, M.DAYS, Dir.LOWER, 0, 52, (
        "Czas wydania pozwolenia na budowę", "Час видачі дозволу на будівництво", "Time to issue a building permit"), (
        "Średnia liczba dni od złożenia kompletnego wniosku do decyzji.", "Середня кількість днів від подання повної заяви до рішення.", "Mean days from a complete application to the decision.")),
    "investments-on-time-share": (D.INVESTMENT, M.PERCENT, Dir.HIGHER, 1, 74, (
        "Inwestycje zakończone w terminie", "Інвестиції, завершені вчасно", "Investments finished on time"), (
        "Odsetek inwestycji zakończonych w terminie z umowy.", "Відсоток інвестицій, завершених у строк за договором.", "The percentage of investments finished by the contract's date.")),
    "map-update-days": (D.GEODESY, M.DAYS, Dir.LOWER, 0, 14, (
        "Czas aktualizacji mapy zasadniczej", "Час оновлення базової карти", "Time to update the base map"), (
        "Średnia liczba dni od przyjęcia operatu do aktualizacji mapy.", "Середня кількість днів від прийняття звіту до оновлення карти.", "Mean days from accepting a survey to updating the map.")),
    "geodetic-requests-per-official": (D.GEODESY, M.COUNT, Dir.HIGHER, 0, 640, (
        "Zgłoszenia prac geodezyjnych na pracownika", "Заявки на геодезичні роботи на працівника", "Survey notifications per official"), (
        "Liczba zgłoszeń prac geodezyjnych w roku na jeden etat ośrodka dokumentacji.", "Кількість заявок на геодезичні роботи за рік на одну посаду.", "Survey notifications in the year per full-time post of the records office.")),
    "digital-records-share": (D.GEODESY, M.PERCENT, Dir.HIGHER, 1, 63, (
        "Dokumentacja geodezyjna w postaci cyfrowej", "Геодезична документація в цифровому вигляді", "Survey records in digital form"), (
        "Odsetek operatów zasobu dostępnych w postaci cyfrowej.", "Відсоток звітів фонду, доступних у цифровому вигляді.", "The percentage of the survey records available digitally.")),
    "education-cost-per-pupil": (D.EDUCATION, M.MONEY, Dir.NEUTRAL, 0, 13500, (
        "Wydatki bieżące na ucznia", "Поточні видатки на учня", "Current spending per pupil"), (
        "Bieżące wydatki na szkoły prowadzone przez gminę podzielone przez liczbę uczniów.", "Поточні видатки на школи громади, поділені на кількість учнів.", "Current spending on the municipality's schools divided by their pupils.")),
    "public-buildings-energy": (D.ENERGY, M.KWH_SQ_M, Dir.LOWER, 0, 185, (
        "Zużycie energii w budynkach publicznych", "Споживання енергії в громадських будівлях", "Energy use of public buildings"), (
        "Roczne zużycie energii (ciepło i prąd) w budynkach gminy na 1 m² powierzchni.", "Річне споживання енергії (тепло й електрика) у будівлях громади на 1 м².", "Yearly energy use (heat and power) of municipal buildings per m².")),
    "led-streetlights-share": (D.ENERGY, M.PERCENT, Dir.HIGHER, 1, 46, (
        "Oprawy LED w oświetleniu ulic", "Світлодіодні світильники у вуличному освітленні", "LED street lights"), (
        "Oprawy LED jako odsetek wszystkich opraw oświetlenia ulicznego.", "Світлодіодні світильники як відсоток усіх вуличних світильників.", "LED lights as a percentage of all street lights.")),
    "ppp-contracts": (D.PPP, M.COUNT, Dir.HIGHER, 0, 2, (
        "Umowy PPP w realizacji", "Договори ДПП, що виконуються", "PPP contracts in force"), (
        "Liczba umów partnerstwa publiczno-prywatnego i koncesji w realizacji.", "Кількість договорів державно-приватного партнерства та концесій, що виконуються.", "Public-private partnership and concession contracts in force.")),
    "population": (D.DEVELOPMENT, M.COUNT, Dir.NEUTRAL, 0, 0, (
        "Liczba mieszkańców", "Кількість мешканців", "Population"), (
        "Ludność według stanu na 31 grudnia (GUS, BDL; w Ukrainie dane hromady).", "Населення станом на 31 грудня (в Польщі — GUS BDL; в Україні — дані громади).", "Population on 31 December (GUS BDL in Poland; the hromada's own figure in Ukraine).")),
}
# fmt: on

# Money in Ukraine is in hryvnia: roughly ten to the złoty, keeping the figures plausible.
HRYVNIA_PER_ZLOTY = Decimal(10)


def units_create() -> dict[str, TerritorialUnit]:
    """The demo cities' units, so that their offices find them by code."""
    made = {}
    for code, (country, level, name, _population) in UNITS.items():
        made[code] = group_services.unit_get_or_create(
            country=country, level=level, name=name, code=code
        )
    return made


def catalogue_create(actor: User) -> dict[str, Indicator]:
    found = {i.code: i for i in Indicator.objects.shared()}
    for code, (
        domain,
        measure,
        direction,
        decimals,
        _typical,
        names,
        definitions,
    ) in CATALOGUE.items():
        if code in found:
            continue
        found[code] = services.indicator_create(
            actor=actor,
            group=None,
            code=code,
            domain=domain,
            measure=measure,
            direction=direction,
            decimals=decimals,
            min_value=Decimal(0),
            max_value=Decimal(100) if measure == Measure.PERCENT else None,
            source="GUS BDL" if code == "population" else "",
            **{f"name_{lang}": text for lang, text in zip(("pl", "uk", "en"), names, strict=True)},
            **{
                f"definition_{lang}": text
                for lang, text in zip(("pl", "uk", "en"), definitions, strict=True)
            },
        )
    return found


def _figure(code: str, unit_index: int, indicator_index: int, year: int) -> Decimal:
    """A plausible, fixed figure: the indicator's typical value, a spread by unit and
    a drift by year in the indicator's good direction (or none)."""
    unit_code = list(UNITS)[unit_index]
    country, _level, _name, population = UNITS[unit_code]
    _domain, measure, direction, decimals, typical, _n, _d = CATALOGUE[code]
    if code == "population":
        return Decimal(round(population * (1 - 0.004 * (2024 - year))))
    spread = Decimal("0.7") + Decimal((unit_index * 37 + indicator_index * 11) % 60) / 100
    step = {Direction.HIGHER: Decimal("0.03"), Direction.LOWER: Decimal("-0.03")}
    drift = 1 + step.get(direction, Decimal("0.005")) * (year - YEARS[0])
    figure = Decimal(str(typical)) * spread * drift
    if measure == Measure.MONEY and country == Country.UKRAINE:
        figure *= HRYVNIA_PER_ZLOTY
    if measure == Measure.PERCENT:
        figure = min(figure, Decimal(99))
    return round(figure, decimals)


def values_create(group: Group, indicators: dict[str, Indicator]) -> int:
    """Five years of demonstration figures for every member unit of `group` that has
    none yet; verified, their source and history saying what they are."""
    codes = list(UNITS)
    units = [gu.unit for gu in GroupUnit.objects.filter(group=group).select_related("unit")]
    have = set(
        Value.objects.filter(group=group, district__isnull=True).values_list(
            "unit_id", "indicator_id", "year"
        )
    )
    rows = []
    for unit in units:
        unit_index = codes.index(unit.code) if unit.code in codes else 0
        for indicator_index, (code, indicator) in enumerate(indicators.items()):
            for year in YEARS:
                if (unit.pk, indicator.pk, year) in have:
                    continue
                rows.append(
                    Value(
                        group=group,
                        unit=unit,
                        indicator=indicator,
                        year=year,
                        value=_figure(code, unit_index, indicator_index, year),
                        status=ValueStatus.VERIFIED,
                        source=ValueSource.DEMO,
                        source_detail=DEMO_NOTE,
                    )
                )
    return len(_demo_values_save(rows))


def _demo_values_save(rows: list[Value]) -> list[Value]:
    """Write demonstration figures with their one entry in the history each."""
    created = Value.objects.bulk_create(rows, batch_size=500)
    ValueChange.objects.bulk_create(
        [
            ValueChange(
                value=v,
                group_id=v.group_id,
                unit_id_at=v.unit_id,
                indicator_id_at=v.indicator_id,
                year=v.year,
                new_value=v.value,
                new_status=v.status,
                source=v.source,
                source_detail=v.source_detail,
            )
            for v in created
        ],
        batch_size=500,
    )
    return created


def districts_create() -> list[TerritorialUnit]:
    """Poznań's districts, parts of its unit (made by units_create)."""
    city = TerritorialUnit.objects.get(code=DISTRICT_CITY)
    return [
        group_services.unit_get_or_create(
            country=PL, level=L.DISTRICT, name=name, code=code, parent=city
        )
        for code, name in DISTRICTS.items()
    ]


def district_values_create(group: Group, indicators: dict[str, Indicator]) -> int:
    """Five years of demonstration figures of a few indicators for each of Poznań's
    districts, when Poznań is a member of `group`; verified and marked as the city's
    figures are."""
    city = TerritorialUnit.objects.of_group(group).filter(code=DISTRICT_CITY).first()
    if city is None:
        return 0
    parts = districts_create()
    have = set(
        Value.objects.filter(group=group, unit=city, district__in=parts).values_list(
            "district_id", "indicator_id", "year"
        )
    )
    city_index, codes = list(UNITS).index(DISTRICT_CITY), list(CATALOGUE)
    rows = []
    for district_index, district in enumerate(parts):
        for code in DISTRICT_INDICATORS:
            indicator, decimals = indicators[code], CATALOGUE[code][3]
            # The districts spread from 0.6 to 1.4 times the city's figure, each its own way.
            spread = (
                Decimal("0.6") + Decimal((district_index * 29 + codes.index(code) * 7) % 80) / 100
            )
            for year in YEARS:
                if (district.pk, indicator.pk, year) in have:
                    continue
                figure = _figure(code, city_index, codes.index(code), year) * spread
                if indicator.measure == Measure.PERCENT:
                    figure = min(figure, Decimal(99))
                rows.append(
                    Value(
                        group=group,
                        unit=city,
                        district=district,
                        indicator=indicator,
                        year=year,
                        value=round(figure, decimals),
                        status=ValueStatus.VERIFIED,
                        source=ValueSource.DEMO,
                        source_detail=DEMO_NOTE,
                    )
                )
    return len(_demo_values_save(rows))


def _round_demo(group: Group, facilitator: User, indicators: dict[str, Indicator]) -> None:
    """An open round for 2025 in which one municipality has submitted and another has
    saved part of its form, so the progress page has something to show."""
    title = "Dane za 2025"
    if DataRound.objects.filter(group=group, title=title).exists():
        return
    chosen = [
        indicators[c]
        for c in ("tax-decision-cost", "e-payments-share", "road-cost-per-km", "permit-days")
    ]
    data_round = services.round_open(
        actor=facilitator,
        group=group,
        title=title,
        year=2025,
        deadline=timezone.localdate() + dt.timedelta(days=21),
        indicators=chosen,
    )
    codes = list(UNITS)
    for submission in Submission.objects.filter(round=data_round).select_related("unit"):
        officials = (
            Membership.objects.active()
            .filter(group=group, institution__unit=submission.unit)
            .exclude(user=facilitator)
            .select_related("user")
        )
        official = next(iter(officials), None)
        if official is None or submission.unit.code not in ("0663011", "3064011"):
            continue
        index = codes.index(submission.unit.code)
        values: dict[int, Decimal | None] = {
            i.pk: _figure(i.code, index, n, 2025) for n, i in enumerate(chosen)
        }
        if submission.unit.code == "3064011":  # Poznań is halfway through its form
            values = dict(list(values.items())[:2])
        services.submission_save(
            actor=official.user,
            submission=submission,
            values=values,
            submit=submission.unit.code == "0663011",
        )


@transaction.atomic
def seed(*, staff: User, facilitators: dict[str, User]) -> None:
    """The catalogue, each demo group's member units and indicators, their figures, and
    the urban group's open round. Idempotent. `facilitators` maps group slugs to the
    facilitator who opens the round."""
    indicators = catalogue_create(staff)
    for group in Group.objects.filter(slug__in=facilitators):
        offices = (
            Membership.objects.active()
            .filter(group=group, institution__unit__isnull=False)
            .values_list("institution__unit", flat=True)
        )
        for unit in TerritorialUnit.objects.filter(pk__in=offices):
            group_services.group_unit_join(group=group, unit=unit)
        adopted = set(
            GroupIndicator.objects.filter(group=group).values_list("indicator_id", flat=True)
        )
        services.indicator_adopt(
            actor=facilitators[group.slug],
            group=group,
            indicators=[i for i in indicators.values() if i.pk not in adopted],
        )
        values_create(group, indicators)
        district_values_create(group, indicators)
    urban = Group.objects.filter(slug="gwd-miejska").first()
    if urban is not None and "gwd-miejska" in facilitators:
        _round_demo(urban, facilitators["gwd-miejska"], indicators)
