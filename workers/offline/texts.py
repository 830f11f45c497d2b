"""What the offline checker says, in each feedback language.

Every table is keyed by message, then by feedback language, so a missing translation is easy to
spot (and a test checks that none is missing).
"""

# French and Italian typography writes the apostrophe as \u2019, which RUF001 mistakes for a
# backtick.
# ruff: noqa: RUF001

from __future__ import annotations

from chat.feedback import category_label
from chat.languages import LANGUAGES

FALLBACK = "en"

# "In Spanish", as each feedback language says it, for `{language_in}` in templates.
LANGUAGE_IN: dict[str, dict[str, str]] = {
    "en": {
        "en": "in English",
        "es": "in Spanish",
        "de": "in German",
        "fr": "in French",
        "it": "in Italian",
        "pt": "in Portuguese",
    },
    "es": {
        "en": "en inglés",
        "es": "en español",
        "de": "en alemán",
        "fr": "en francés",
        "it": "en italiano",
        "pt": "en portugués",
    },
    "de": {
        "en": "auf Englisch",
        "es": "auf Spanisch",
        "de": "auf Deutsch",
        "fr": "auf Französisch",
        "it": "auf Italienisch",
        "pt": "auf Portugiesisch",
    },
    "fr": {
        "en": "en anglais",
        "es": "en espagnol",
        "de": "en allemand",
        "fr": "en français",
        "it": "en italien",
        "pt": "en portugais",
    },
    "it": {
        "en": "in inglese",
        "es": "in spagnolo",
        "de": "in tedesco",
        "fr": "in francese",
        "it": "in italiano",
        "pt": "in portoghese",
    },
    "pt": {
        "en": "em inglês",
        "es": "em espanhol",
        "de": "em alemão",
        "fr": "em francês",
        "it": "em italiano",
        "pt": "em português",
    },
}

EXPLANATIONS: dict[str, dict[str, str]] = {
    "spelling": {
        "en": "“{original}” is misspelt: write “{suggestion}”.",
        "es": "“{original}” está mal escrito: escribe “{suggestion}”.",
        "de": "„{original}“ ist falsch geschrieben: Schreib „{suggestion}“.",
        "fr": "« {original} » est mal orthographié : écris « {suggestion} ».",
        "it": "“{original}” è scritto male: scrivi “{suggestion}”.",
        "pt": "“{original}” está escrito errado: escreva “{suggestion}”.",
    },
    "accent": {
        "en": "“{suggestion}” is written with an accent.",
        "es": "“{suggestion}” se escribe con tilde.",
        "de": "„{suggestion}“ schreibt man mit Akzent.",
        "fr": "« {suggestion} » s’écrit avec un accent.",
        "it": "“{suggestion}” si scrive con l’accento.",
        "pt": "“{suggestion}” escreve-se com acento.",
    },
    "unknown_word": {
        "en": "“{original}” is not in the dictionary {language_in}: check how it is spelt.",
        "es": "“{original}” no está en el diccionario {language_in}: revisa cómo se escribe.",
        "de": "„{original}“ steht nicht im Wörterbuch {language_in}: Prüfe die Schreibung.",
        "fr": "« {original} » n’est pas dans le dictionnaire {language_in} : vérifie "
        "l’orthographe.",
        "it": "“{original}” non è nel dizionario {language_in}: controlla come si scrive.",
        "pt": "“{original}” não está no dicionário {language_in}: confira a grafia.",
    },
    "unknown_candidates": {
        "en": "“{original}” is not in the dictionary {language_in}. Did you mean {candidates}?",
        "es": "“{original}” no está en el diccionario {language_in}. ¿Quizá {candidates}?",
        "de": "„{original}“ steht nicht im Wörterbuch {language_in}. Vielleicht {candidates}?",
        "fr": "« {original} » n’est pas dans le dictionnaire {language_in}. Peut-être "
        "{candidates} ?",
        "it": "“{original}” non è nel dizionario {language_in}. Forse {candidates}?",
        "pt": "“{original}” não está no dicionário {language_in}. Talvez {candidates}?",
    },
    "capital_noun": {
        "en": "German nouns start with a capital letter: “{suggestion}”.",
        "es": "En alemán, los sustantivos se escriben con mayúscula: “{suggestion}”.",
        "de": "Nomen schreibt man groß: „{suggestion}“.",
        "fr": "En allemand, les noms prennent une majuscule : « {suggestion} ».",
        "it": "In tedesco i sostantivi si scrivono con la maiuscola: “{suggestion}”.",
        "pt": "Em alemão, os substantivos escrevem-se com maiúscula: “{suggestion}”.",
    },
    "known_form": {
        "en": "“{original}” is not the right form: write “{suggestion}”.",
        "es": "“{original}” no es la forma correcta: escribe “{suggestion}”.",
        "de": "„{original}“ ist nicht die richtige Form: Schreib „{suggestion}“.",
        "fr": "« {original} » n’est pas la bonne forme : écris « {suggestion} ».",
        "it": "“{original}” non è la forma giusta: scrivi “{suggestion}”.",
        "pt": "“{original}” não é a forma correta: escreva “{suggestion}”.",
    },
    "capital_word": {
        "en": "“{suggestion}” is written with a capital letter.",
        "es": "“{suggestion}” se escribe con mayúscula.",
        "de": "„{suggestion}“ schreibt man groß.",
        "fr": "« {suggestion} » s’écrit avec une majuscule.",
        "it": "“{suggestion}” si scrive con la maiuscola.",
        "pt": "“{suggestion}” escreve-se com maiúscula.",
    },
    "repeated_word": {
        "en": "The word “{word}” is written twice in a row.",
        "es": "La palabra “{word}” aparece dos veces seguidas.",
        "de": "Das Wort „{word}“ steht zweimal hintereinander.",
        "fr": "Le mot « {word} » est écrit deux fois de suite.",
        "it": "La parola “{word}” è scritta due volte di seguito.",
        "pt": "A palavra “{word}” aparece duas vezes seguidas.",
    },
    "sentence_capital": {
        "en": "A sentence starts with a capital letter: “{suggestion}”.",
        "es": "La oración empieza con mayúscula: “{suggestion}”.",
        "de": "Ein Satz beginnt mit einem Großbuchstaben: „{suggestion}“.",
        "fr": "Une phrase commence par une majuscule : « {suggestion} ».",
        "it": "La frase comincia con la maiuscola: “{suggestion}”.",
        "pt": "A frase começa com letra maiúscula: “{suggestion}”.",
    },
    "pronoun_i": {
        "en": "The pronoun “I” is always written with a capital letter.",
        "es": "En inglés, el pronombre “I” siempre se escribe con mayúscula.",
        "de": "Das englische Pronomen „I“ schreibt man immer groß.",
        "fr": "En anglais, le pronom « I » s’écrit toujours avec une majuscule.",
        "it": "In inglese il pronome “I” si scrive sempre con la maiuscola.",
        "pt": "Em inglês, o pronome “I” sempre se escreve com maiúscula.",
    },
    "article_an": {
        "en": "Use “an” before a word that starts with a vowel sound: “an {word}”.",
        "es": "En inglés se usa “an” delante de una palabra que empieza por sonido vocálico: "
        "“an {word}”.",
        "de": "Vor einem Wort, das mit einem Vokallaut beginnt, steht im Englischen „an“: "
        "„an {word}“.",
        "fr": "En anglais, on écrit « an » devant un mot qui commence par un son de voyelle : "
        "« an {word} ».",
        "it": "In inglese si usa “an” davanti a una parola che inizia con un suono vocalico: "
        "“an {word}”.",
        "pt": "Em inglês, usa-se “an” antes de uma palavra que começa com som de vogal: "
        "“an {word}”.",
    },
    "article_a": {
        "en": "Use “a” before a word that starts with a consonant sound: “a {word}”.",
        "es": "En inglés se usa “a” delante de una palabra que empieza por sonido consonántico: "
        "“a {word}”.",
        "de": "Vor einem Wort, das mit einem Konsonantenlaut beginnt, steht im Englischen „a“: "
        "„a {word}“.",
        "fr": "En anglais, on écrit « a » devant un mot qui commence par un son de consonne : "
        "« a {word} ».",
        "it": "In inglese si usa “a” davanti a una parola che inizia con un suono consonantico: "
        "“a {word}”.",
        "pt": "Em inglês, usa-se “a” antes de uma palavra que começa com som de consoante: "
        "“a {word}”.",
    },
    "final_punctuation": {
        "en": "End the sentence with a full stop (or with ? or !).",
        "es": "Termina la oración con un punto (o con ? o !).",
        "de": "Beende den Satz mit einem Punkt (oder mit ? oder !).",
        "fr": "Termine la phrase par un point (ou par ? ou !).",
        "it": "Chiudi la frase con un punto (o con ? o !).",
        "pt": "Termine a frase com um ponto final (ou com ? ou !).",
    },
    "spanish_el": {
        "en": "As a pronoun (“he”), “él” has an accent; “el” without one is the article “the”.",
        "es": "“Él” lleva tilde cuando es pronombre personal; “el” sin tilde es el artículo.",
        "de": "Als Pronomen („er“) schreibt man „él“ mit Akzent; „el“ ohne Akzent ist der Artikel.",
        "fr": "Le pronom « él » (« il ») prend un accent ; sans accent, « el » est l’article.",
        "it": "Il pronome “él” (“lui”) vuole l’accento; “el” senza accento è l’articolo.",
        "pt": "Como pronome (“ele”), escreve-se “él” com acento; “el” sem acento é o artigo.",
    },
    "third_person": {
        "en": "After “{subject}” the verb ends in -s: “{suggestion}”.",
        "es": "En inglés, después de “{subject}” el verbo termina en -s: “{suggestion}”.",
        "de": "Im Englischen endet das Verb nach „{subject}“ auf -s: „{suggestion}“.",
        "fr": "En anglais, après « {subject} » le verbe prend un -s : « {suggestion} ».",
        "it": "In inglese, dopo “{subject}” il verbo prende la -s: “{suggestion}”.",
        "pt": "Em inglês, depois de “{subject}” o verbo termina em -s: “{suggestion}”.",
    },
    "third_person_or_past": {
        "en": "After “{subject}” the verb needs -s (“{present}”), or the past (“{past}”) if you "
        "mean the past.",
        "es": "En inglés, después de “{subject}” el verbo lleva -s (“{present}”), o va en pasado "
        "(“{past}”) si hablas del pasado.",
        "de": "Im Englischen braucht das Verb nach „{subject}“ ein -s („{present}“), oder die "
        "Vergangenheit („{past}“), wenn du von früher sprichst.",
        "fr": "En anglais, après « {subject} » le verbe prend un -s (« {present} »), ou se met au "
        "passé (« {past} ») si tu parles du passé.",
        "it": "In inglese, dopo “{subject}” il verbo prende la -s (“{present}”), o va al passato "
        "(“{past}”) se parli del passato.",
        "pt": "Em inglês, depois de “{subject}” o verbo leva -s (“{present}”), ou vai para o "
        "passado (“{past}”) se você fala do passado.",
    },
    "verb_person": {
        "en": "With “yo” the verb is “{form}”; “{verb}” goes with “él” or “ella”.",
        "es": "Con “yo” el verbo es “{form}”; “{verb}” es la forma de “él” o “ella”.",
        "de": "Zu „yo“ gehört „{form}“; „{verb}“ ist die Form für „él“ oder „ella“.",
        "fr": "Avec « yo », le verbe est « {form} » ; « {verb} » va avec « él » ou « ella ».",
        "it": "Con “yo” il verbo è “{form}”; “{verb}” è la forma di “él” o “ella”.",
        "pt": "Com “yo” o verbo é “{form}”; “{verb}” é a forma de “él” ou “ella”.",
    },
    "pronoun_mi": {
        "en": "After a preposition the pronoun is “mí”, with an accent; “mi” means “my”.",
        "es": "Después de una preposición el pronombre es “mí”, con tilde; “mi” es el posesivo.",
        "de": "Nach einer Präposition heißt das Pronomen „mí“, mit Akzent; „mi“ heißt „mein“.",
        "fr": "Après une préposition, le pronom est « mí », avec un accent ; « mi » veut dire "
        "« mon ».",
        "it": "Dopo una preposizione il pronome è “mí”, con l’accento; “mi” vuol dire “mio”.",
        "pt": "Depois de uma preposição, o pronome é “mí”, com acento; “mi” quer dizer “meu”.",
    },
    "pronoun_tu": {
        "en": "The pronoun “tú” (you) has an accent; “tu” without one means “your”.",
        "es": "El pronombre “tú” lleva tilde; “tu” sin tilde es el posesivo.",
        "de": "Das Pronomen „tú“ (du) hat einen Akzent; „tu“ ohne Akzent heißt „dein“.",
        "fr": "Le pronom « tú » (tu) prend un accent ; sans accent, « tu » veut dire « ton ».",
        "it": "Il pronome “tú” (tu) vuole l’accento; “tu” senza accento vuol dire “tuo”.",
        "pt": "O pronome “tú” (tu) leva acento; “tu” sem acento quer dizer “teu”.",
    },
    "possessive_plural": {
        "en": "Before a plural noun the possessive is plural too: “{possessive} {noun}”.",
        "es": "Delante de un sustantivo en plural, el posesivo también va en plural: "
        "“{possessive} {noun}”.",
        "de": "Vor einem Nomen im Plural steht auch das Possessivum im Plural: "
        "„{possessive} {noun}“.",
        "fr": "Devant un nom au pluriel, le possessif se met aussi au pluriel : "
        "« {possessive} {noun} ».",
        "it": "Davanti a un nome plurale anche il possessivo va al plurale: “{possessive} {noun}”.",
        "pt": "Antes de um substantivo no plural, o possessivo também vai para o plural: "
        "“{possessive} {noun}”.",
    },
    "estar_state": {
        "en": "A passing state such as “{state}” takes “estar”: “{verb}”.",
        "es": "Un estado pasajero como “{state}” se expresa con “estar”: “{verb}”.",
        "de": "Ein vorübergehender Zustand wie „{state}“ steht mit „estar“: „{verb}“.",
        "fr": "Un état passager comme « {state} » se dit avec « estar » : « {verb} ».",
        "it": "Uno stato passeggero come “{state}” si esprime con “estar”: “{verb}”.",
        "pt": "Um estado passageiro como “{state}” se expressa com “estar”: “{verb}”.",
    },
    "accent_word": {
        "en": "Here the word is “{suggestion}”, with an accent; “{word}” is another word.",
        "es": "Aquí la palabra es “{suggestion}”, con tilde; “{word}” es otra palabra.",
        "de": "Hier heißt das Wort „{suggestion}“, mit Akzent; „{word}“ ist ein anderes Wort.",
        "fr": "Ici, le mot est « {suggestion} », avec un accent ; « {word} » est un autre mot.",
        "it": "Qui la parola è “{suggestion}”, con l’accento; “{word}” è un’altra parola.",
        "pt": "Aqui a palavra é “{suggestion}”, com acento; “{word}” é outra palavra.",
    },
    "italian_article": {
        "en": "Before this sound the article is “{article}”: “{suggestion}”.",
        "es": "Delante de este sonido el artículo es “{article}”: “{suggestion}”.",
        "de": "Vor diesem Laut heißt der Artikel „{article}“: „{suggestion}“.",
        "fr": "Devant ce son, l’article est « {article} » : « {suggestion} ».",
        "it": "Davanti a questo suono l’articolo è “{article}”: “{suggestion}”.",
        "pt": "Antes deste som o artigo é “{article}”: “{suggestion}”.",
    },
    "joined_preposition": {
        "en": "In Italian this preposition and the article join into one word: “{joined}”.",
        "es": "En italiano esta preposición y el artículo forman una sola palabra: “{joined}”.",
        "de": "Im Italienischen verschmelzen diese Präposition und der Artikel zu einem Wort: "
        "„{joined}“.",
        "fr": "En italien, cette préposition et l’article forment un seul mot : « {joined} ».",
        "it": "La preposizione e l’articolo si uniscono in una parola sola: “{joined}”.",
        "pt": "Em italiano, esta preposição e o artigo formam uma só palavra: “{joined}”.",
    },
    "joined_or_verb": {
        "en": "Either the preposition and the article join into “{joined}”, or you meant the "
        "verb “{verb}”.",
        "es": "O la preposición y el artículo forman “{joined}”, o querías el verbo “{verb}”.",
        "de": "Entweder verschmelzen Präposition und Artikel zu „{joined}“, oder du meinst das "
        "Verb „{verb}“.",
        "fr": "Soit la préposition et l’article forment « {joined} », soit tu voulais le verbe "
        "« {verb} ».",
        "it": "O la preposizione e l’articolo si uniscono in “{joined}”, o intendevi il verbo "
        "“{verb}”.",
        "pt": "Ou a preposição e o artigo formam “{joined}”, ou você queria o verbo “{verb}”.",
    },
    "italian_clitic": {
        "en": "Before a verb the pronoun is “{clitic}”; “{original}” comes after a preposition "
        "(“per {original}”).",
        "es": "Delante de un verbo el pronombre es “{clitic}”; “{original}” va después de una "
        "preposición (“per {original}”).",
        "de": "Vor einem Verb heißt das Pronomen „{clitic}“; „{original}“ steht nach einer "
        "Präposition („per {original}“).",
        "fr": "Devant un verbe, le pronom est « {clitic} » ; « {original} » vient après une "
        "préposition (« per {original} »).",
        "it": "Davanti a un verbo il pronome è “{clitic}”; “{original}” va dopo una preposizione "
        "(“per {original}”).",
        "pt": "Antes de um verbo o pronome é “{clitic}”; “{original}” vem depois de uma "
        "preposição (“per {original}”).",
    },
    "italian_e": {
        "en": "The verb “è” (is) takes a grave accent: “è”.",
        "es": "El verbo “è” (es) lleva acento grave: “è”.",
        "de": "Das Verb „è“ (ist) hat einen Gravis: „è“.",
        "fr": "Le verbe « è » (est) prend un accent grave : « è ».",
        "it": "Il verbo “è” vuole l’accento grave: “è”.",
        "pt": "O verbo “è” (é) leva acento grave: “è”.",
    },
}

SUMMARIES: dict[str, dict[str, str]] = {
    "none": {
        "en": "Spelling and a few rules checked offline: nothing to mark. "
        "Grammar is checked when a connected AI model is set up.",
        "es": "Ortografía y algunas reglas revisadas sin conexión: nada que marcar. "
        "La gramática la revisa un modelo de IA conectado.",
        "de": "Rechtschreibung und einige Regeln offline geprüft: nichts anzumerken. "
        "Die Grammatik prüft ein verbundenes KI-Modell.",
        "fr": "Orthographe et quelques règles vérifiées hors ligne : rien à signaler. "
        "La grammaire est vérifiée par un modèle d’IA connecté.",
        "it": "Ortografia e alcune regole controllate offline: niente da segnalare. "
        "La grammatica la controlla un modello di IA collegato.",
        "pt": "Ortografia e algumas regras verificadas offline: nada a assinalar. "
        "A gramática é verificada por um modelo de IA conectado.",
    },
    "one": {
        "en": "1 thing to fix ({categories}).",
        "es": "1 cosa que corregir ({categories}).",
        "de": "1 Sache zu verbessern ({categories}).",
        "fr": "1 point à corriger ({categories}).",
        "it": "1 cosa da correggere ({categories}).",
        "pt": "1 coisa para corrigir ({categories}).",
    },
    "many": {
        "en": "{count} things to fix ({categories}).",
        "es": "{count} cosas que corregir ({categories}).",
        "de": "{count} Dinge zu verbessern ({categories}).",
        "fr": "{count} points à corriger ({categories}).",
        "it": "{count} cose da correggere ({categories}).",
        "pt": "{count} coisas para corrigir ({categories}).",
    },
    "checked": {
        "en": "Checked offline: spelling and a few grammar rules; a connected AI model checks all "
        "the grammar.",
        "es": "Revisado sin conexión: ortografía y algunas reglas de gramática; un modelo de IA "
        "conectado revisa toda la gramática.",
        "de": "Offline geprüft: Rechtschreibung und einige Grammatikregeln; ein verbundenes "
        "KI-Modell prüft die ganze Grammatik.",
        "fr": "Vérifié hors ligne : orthographe et quelques règles de grammaire ; un modèle d’IA "
        "connecté vérifie toute la grammaire.",
        "it": "Controllato offline: ortografia e alcune regole di grammatica; un modello di IA "
        "collegato controlla tutta la grammatica.",
        "pt": "Verificado offline: ortografia e algumas regras de gramática; um modelo de IA "
        "conectado verifica toda a gramática.",
    },
}


def feedback_language_or_fallback(feedback_language: str) -> str:
    """Return `feedback_language` if we have texts for it, else English."""
    return feedback_language if feedback_language in LANGUAGES else FALLBACK


def explain(key: str, *, feedback_language: str, language: str, **values: str) -> str:
    """Return the explanation `key` in the feedback language, about text in `language`."""
    feedback = feedback_language_or_fallback(feedback_language)
    return EXPLANATIONS[key][feedback].format(
        language_name=LANGUAGES.get(language, language),
        language_in=LANGUAGE_IN[feedback].get(language, language),
        **values,
    )


def category_name(category: str, *, feedback_language: str) -> str:
    """Return the learner-facing name of an issue category."""
    return category_label(
        category, feedback_language=feedback_language_or_fallback(feedback_language)
    )
