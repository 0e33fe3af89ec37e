"""Demo referrers that look like Groningen (invented practices, invented AGB codes)."""

from .models import ReferrerOrganisation, ReferrerType

DEMO_REFERRERS = [
    ("Huisartsenpraktijk Beijum", ReferrerType.GP, "01990001", "Groningen"),
    ("Huisartsenpraktijk Lewenborg", ReferrerType.GP, "01990002", "Groningen"),
    ("Gezondheidscentrum Oosterparkwijk", ReferrerType.GP, "01990003", "Groningen"),
    ("Huisartsen Korrewegwijk", ReferrerType.GP, "01990004", "Groningen"),
    ("Huisartsenpraktijk Selwerd", ReferrerType.GP, "01990005", "Groningen"),
    ("Huisartsenpraktijk Paddepoel", ReferrerType.GP, "01990006", "Groningen"),
    ("Huisartsen Vinkhuizen", ReferrerType.GP, "01990007", "Groningen"),
    ("Huisartsenpraktijk Hoogkerk", ReferrerType.GP, "01990008", "Hoogkerk"),
    ("Huisartsen Helpman", ReferrerType.GP, "01990009", "Groningen"),
    ("Huisartsenpraktijk Haren", ReferrerType.GP, "01990010", "Haren"),
    ("Huisartsenpraktijk Ten Boer", ReferrerType.GP, "01990011", "Ten Boer"),
    ("GGD Groningen, Jeugdgezondheidszorg", ReferrerType.YOUTH_DOCTOR, "02990001", "Groningen"),
    ("Jeugdbescherming Noord", ReferrerType.CERTIFIED_INSTITUTION, "03990001", "Groningen"),
    ("William Schrikker Stichting", ReferrerType.CERTIFIED_INSTITUTION, "03990002", "Groningen"),
    (
        "Leger des Heils Jeugdbescherming & Reclassering",
        ReferrerType.CERTIFIED_INSTITUTION,
        "03990003",
        "Groningen",
    ),
    ("UMCG, Kinderpsychiatrie", ReferrerType.MEDICAL_SPECIALIST, "04990001", "Groningen"),
    ("UMCG, Kindergeneeskunde", ReferrerType.MEDICAL_SPECIALIST, "04990002", "Groningen"),
    (
        "Martini Ziekenhuis, Kindergeneeskunde",
        ReferrerType.MEDICAL_SPECIALIST,
        "04990003",
        "Groningen",
    ),
    ("Rechtbank Noord-Nederland", ReferrerType.COURT, "", "Groningen"),
]


def seed_referrers() -> int:
    for name, referrer_type, agb_code, city in DEMO_REFERRERS:
        ReferrerOrganisation.objects.update_or_create(
            name=name,
            defaults={"referrer_type": referrer_type, "agb_code": agb_code, "city": city},
        )
    return len(DEMO_REFERRERS)
