"""Spanish word forms that pyspellchecker's Spanish dictionary lacks.

The dictionary holds mostly lemmas: "hablar" but not "hablo", "libro" but not "libros", and not
even "siete". Without help the checker would mark half of a beginner's correct sentences. So:
irregular forms are listed (and added to the dictionary, so that a misspelling of one can be
corrected to it), and regular forms are recognised from their endings.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

Known = Callable[[str], bool]


def _words(text: str) -> list[str]:
    """Return the words of a whitespace-separated list: long word lists read best as text."""
    return text.split()


_LISTED = """
    soy eres somos sois son estoy estás está estamos estáis están estaba estabas estábamos
    estaban voy vas va vamos vais van iba ibas íbamos iban fui fuiste fue fuimos fuisteis fueron
    fuera fueras fuéramos fuerais fueran fuese eras éramos erais eran esté estés estemos estén
    hizo tienes tiene tenemos tenéis tienen tenía tenías teníamos tenían hago
    haces hace hacemos hacen puedo puedes puede podemos pueden quiero quieres quiere queremos
    quieren digo dices dice decimos dicen sé sabes sabe sabemos saben has hemos habéis han hay
    veo ves vemos veis ven vi viste vio vimos visteis vieron doy das da damos dan di diste dio dimos
    disteis dieron pones pone ponemos ponen sales sale salimos salen vienes viene venimos vienen
    río ríes ríe reímos ríen reí rió rieron riendo reír sonreír sonrío sonríe oigo oyes oye oímos
    oyen oí oyó oyeron oyendo oír leyó leyeron leyendo creyó creyeron creyendo cayó cayeron
    juego juegas juega jugamos juegan duermo duermes duerme dormimos duermen pienso piensas piensa
    pensamos piensan prefiero prefieres prefiere entiendo entiendes entiende vuelvo vuelve pido
    pide sigo sigue siendo yendo ido pon ten sal ven haz ve
    gusta gustan gustó gustaba encanta encantan interesa duele llamo llamas llama
    qué cómo cuándo dónde adónde quién quiénes cuál cuáles cuánto cuánta cuántos cuántas aún
    según gracias unos unas días siete autobús vídeo video internet web online
"""

# Irregular stems and the endings that go with them (tuv-e, dij-eron, tendr-á, teng-a).
_STEMS_AND_ENDINGS = [
    (
        "tuv estuv anduv pud pus sup quis vin hic hub",
        "e iste o imos isteis ieron iera ieras iéramos ierais ieran iese ieses",
    ),
    ("dij traj conduj traduj produj", "e iste o imos isteis eron era eras éramos erais eran"),
    (
        "tendr pondr saldr vendr valdr habr podr querr sabr cabr dir har",
        "é ás á emos éis án ía ías íamos íais ían",
    ),
    ("teng pong salg veng hag dig traig oig conozc sep vay hay quep valg", "o a as amos áis an"),
]

# Endings of regular verb forms, longest first so "aban" is tried before "an".
_VERB_ENDINGS = sorted(
    set(
        _words(
            """o as a amos áis an é aste ó asteis aron aba abas ábamos abais aban e es emos éis en
            ara aras áramos aran ase ando ado ada ados adas í iste ió imos isteis ieron ía ías íamos
            íais ían iera ieras iéramos ieran iendo yendo ido ida idos idas ís"""
        )
    ),
    key=len,
    reverse=True,
)
# Future and conditional: the whole infinitive plus an ending (hablaré, comería).
_FUTURE_ENDINGS = _words("é ás á emos éis án ía ías íamos íais ían")
# Pronouns attached to the end of a verb, the pairs first: "dímelo" before "dime".
_CLITICS = _words("melo mela selo sela telo tela me te se nos os los las les lo la le")
# Short commands that take pronouns: dame, hazlo, ponte, dime.
_SHORT_COMMANDS = {"da", "di", "haz", "pon", "ten", "sal", "ven", "ve", "sé", "oye", "mira"}


def supplement() -> list[str]:
    """Return the forms to add to the Spanish dictionary."""
    words = _words(_LISTED)
    for stems, endings in _STEMS_AND_ENDINGS:
        words += [stem + ending for stem in _words(stems) for ending in _words(endings)]
    return words


def is_inflection(word: str, *, known: Known) -> bool:
    """Return whether `word` (lower case) is a regular form of a word `known` recognises."""
    return (
        _is_verb_form(word, known)
        or _is_future_form(word, known)
        or _is_noun_form(word, known)
        or is_verb_with_pronouns(word, known=known)
    )


def strip_accents(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    # Keep ñ: its tilde makes a different letter, not a stress mark.
    kept = "".join(c for c in decomposed if unicodedata.category(c) != "Mn" or c == "\u0303")
    return unicodedata.normalize("NFC", kept)


def _is_verb_form(word: str, known: Known) -> bool:
    for ending in _VERB_ENDINGS:
        stem = word.removesuffix(ending)
        if stem == word or len(stem) < 2:
            continue
        for variant in _stem_variants(stem):
            if any(known(variant + infinitive) for infinitive in ("ar", "er", "ir")):
                return True
    return False


def _stem_variants(stem: str) -> set[str]:
    """Return `stem` and the stems it may come from: quier -> quer, pued -> pod, conozc -> conoc."""
    variants = {stem}
    for changed, plain in (("ie", "e"), ("ue", "o"), ("i", "e"), ("u", "o")):
        head, found, tail = stem.rpartition(changed)
        if found:
            variants.add(head + plain + tail)
    for changed, plain in (
        ("zc", "c"),
        ("qu", "c"),
        ("gu", "g"),
        ("c", "z"),
        ("j", "g"),
        ("z", "c"),
        ("g", ""),
        ("y", ""),
    ):
        if stem.endswith(changed):
            variants.add(stem.removesuffix(changed) + plain)
    return variants


def _is_future_form(word: str, known: Known) -> bool:
    for ending in _FUTURE_ENDINGS:
        infinitive = word.removesuffix(ending)
        if infinitive != word and infinitive.endswith(("ar", "er", "ir")) and known(infinitive):
            return True
    return False


def _is_noun_form(word: str, known: Known) -> bool:
    """Plurals, feminine forms, diminutives, superlatives and -mente adverbs of known words."""
    candidates = []
    for ending, replacement in (
        ("s", ""),
        ("es", ""),
        ("ces", "z"),
        ("ones", "ón"),
        ("a", "o"),
        ("as", "o"),
        ("as", "os"),
        ("ita", "a"),
        ("ito", "o"),
        ("itas", "a"),
        ("itos", "o"),
        ("ísimo", "o"),
        ("ísima", "a"),
        ("ísimos", "o"),
        ("ísimas", "a"),
        ("quísimo", "co"),
        ("quísima", "ca"),
        ("guísimo", "go"),
        ("guísima", "ga"),
    ):
        if word.endswith(ending):
            candidates.append(word.removesuffix(ending) + replacement)
    if any(len(candidate) > 1 and known(candidate) for candidate in candidates):
        return True
    adjective = word.removesuffix("mente")
    return adjective != word and (known(adjective) or _is_noun_form(adjective, known))


def is_verb_with_pronouns(word: str, *, known: Known) -> bool:
    """Infinitives, gerunds and commands with pronouns attached: ayudarme, dímelo, hazlo."""
    for clitic in _CLITICS:
        rest = word.removesuffix(clitic)
        if rest == word or len(rest) < 2:
            continue
        if rest in _SHORT_COMMANDS:
            return True
        base = strip_accents(rest)
        # An infinitive or gerund, or a command that gained a stress mark (ayúda-me).
        looks_like_verb = base.endswith(("ar", "er", "ir", "ndo")) or base != rest
        if looks_like_verb and (known(base) or _is_verb_form(base, known)):
            return True
    return False
