"""Invented Groningen-like words for generated data (bench/generate.py): names with
diacritics (Zoë, Anaïs, Çelik, Yılmaz) so that the search's accent folding is exercised,
streets, places, and the short texts a worker would type. No real person is meant."""

FIRST_NAMES = [
    "Sara", "Sarah", "Daan", "Noah", "Zoë", "Emma", "Julia", "Tess", "Sem", "Liam", "Lucas",
    "Finn", "Mila", "Yara", "Noor", "Anaïs", "Chloë", "Jesse", "Thijs", "Bram", "Joëlle",
    "Iris", "Fleur", "Ömer", "Eliza", "Mees", "Sophie", "Gijs", "Loïs", "Ruben", "Lotte",
    "Jaïr",
]  # fmt: skip
LAST_NAMES = [
    "Jansen", "Janssen", "de Vries", "Bakker", "Dijkstra", "Visser", "Smit", "Meijer",
    "de Boer", "Mulder", "Bos", "Huizinga", "Zijlstra", "Hoekstra", "Postma", "Kuipers",
    "Wiersma", "Veenstra", "van der Veen", "Brouwer", "Kooistra", "Çelik", "Yılmaz",
    "El Amrani", "Pérez", "Nijboer", "Bloemhof", "Groenewold", "Oosterhuis", "Wijnstra",
]  # fmt: skip
PARENT_FIRST_NAMES = [
    "Anouk", "Marieke", "Fatima", "Joost", "Pieter", "Sanne", "Hatice", "Mohamed", "Eline",
    "Wouter", "Karin", "Hüseyin", "Renée", "Bart", "Inge", "Youssef", "Annemiek", "Jeroen",
]  # fmt: skip
STREETS = [
    "Beijumerweg", "Kornoeljestraat", "Hoogeweg", "Lewenborg", "Zonnelaan", "Paddepoelsterweg",
    "Vinkhuizerweg", "Selwerderdwarsstraat", "Oosterhamrikkade", "Korreweg", "Damsterdiep",
    "Helperzoom", "Verlengde Hereweg", "Wolddijk", "Kerklaan", "Rijksstraatweg", "Dorpsstraat",
    "Molenweg", "Schoolstraat", "Kastanjelaan",
]  # fmt: skip
NEIGHBOURHOODS = [
    "Beijum", "Lewenborg", "Oosterparkwijk", "De Hoogte", "Korrewegwijk", "Selwerd",
    "Paddepoel", "Vinkhuizen", "Oranjewijk", "Schilderswijk", "Helpman", "De Wijert",
    "Haren", "Ten Boer", "Hoogkerk", "Zernike",
]  # fmt: skip
PLACES = [
    "Groningen", "Haren", "Ten Boer", "Hoogkerk", "Zuidhorn", "Leek", "Hoogezand",
    "Delfzijl", "Winschoten", "Veendam", "Stadskanaal", "Assen", "Leeuwarden", "Zwolle",
]  # fmt: skip
PROVIDER_WORDS = [
    "Jeugdzorg", "Gezinshuis", "Kinderpraktijk", "Opvoedsteun", "Begeleiding", "Jeugdhulp",
    "Zorgcoöperatie", "Behandelcentrum", "Orthopedagogiek", "Gezinscoaching",
]  # fmt: skip
QUESTIONS = [
    "Moeder maakt zich zorgen over het slapen van haar zoon.",
    "Vader vraagt hulp bij de opvoeding na de scheiding.",
    "School meldt dat de dochter vaak afwezig is.",
    "De ouders hebben veel ruzie; de kinderen merken het.",
    "De huisarts verwijst vanwege somberheid bij de jeugdige.",
    "Het gezin heeft schulden en de kinderen missen activiteiten.",
    "De jeugdige heeft moeite met vrienden maken.",
    "Ouders zoeken begeleiding bij de diagnose van hun kind.",
]  # fmt: skip
REPORT_TEXTS = [
    "Kennismakingsgesprek met moeder en de kinderen. Afgesproken om volgende week verder te praten.",
    "Gesprek met beide ouders; de vraag is verhelderd en de stappen zijn besproken.",
    "Telefonisch contact met vader. Hij geeft aan dat het thuis rustiger gaat.",
    "Huisbezoek: de jeugdige vertelde zelf wat er speelt op school.",
]  # fmt: skip
GOAL_TEXTS = [
    "We willen dat er thuis minder ruzie is.",
    "Onze dochter gaat weer elke dag naar school.",
    "Onze zoon slaapt weer op tijd en is uitgerust.",
    "We kunnen de rekeningen weer zelf betalen.",
]  # fmt: skip
