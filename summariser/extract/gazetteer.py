"""Word lists the rules use: countries and demonyms, outlets, international bodies, roles, names."""

from __future__ import annotations

import re

__all__ = [
    "ADJECTIVAL",
    "COUNTRIES",
    "DEMONYMS",
    "FEMALE_NAMES",
    "INTERNATIONAL",
    "MALE_NAMES",
    "MEDIA",
    "MEDIA_WORDS",
    "NOT_AN_ACTOR",
    "ROLE_WORDS",
    "country_of",
]

ADJECTIVAL = re.compile(r"[-‐–](?=[a-z])")
"""A name glued to a word by a hyphen is an adjective ("UK-based", "US-backed", "Russian-made"): no place."""
NOT_AN_ACTOR = re.compile(
    r"[-‐–](?:based|born|registered|headquartered|educated|trained|made|owned|listed|bred|raised|built|"
    r"designed|flagged|bound|style|era|speaking|language|wide)\b"
)
"""... and with these words it is not an actor either ("a UK-based group"; "US-backed" keeps the US)."""

_COUNTRY_DATA = """
Afghanistan:Afghan;Albania:Albanian;Algeria:Algerian;Andorra:Andorran;Angola:Angolan;Argentina:Argentine,
Argentinian;Armenia:Armenian;Australia:Australian;Austria:Austrian;Azerbaijan:Azerbaijani,Azeri;Bahamas:
Bahamian;Bahrain:Bahraini;Bangladesh:Bangladeshi;Barbados:Barbadian;Belarus:Belarusian;Belgium:Belgian;
Belize:Belizean;Benin:Beninese;Bhutan:Bhutanese;Bolivia:Bolivian;Bosnia and Herzegovina:Bosnian;Bosnia:;
Botswana:Botswanan;Brazil:Brazilian;Brunei:Bruneian;Bulgaria:Bulgarian;Burkina Faso:Burkinabe;Burundi:
Burundian;Cambodia:Cambodian;Cameroon:Cameroonian;Canada:Canadian;Cape Verde:Cape Verdean;
Central African Republic:Central African;Chad:Chadian;Chile:Chilean;China:Chinese;Colombia:Colombian;
Comoros:Comoran;Congo:Congolese;Democratic Republic of Congo:;Democratic Republic of the Congo:;DR Congo:;
DRC:;Costa Rica:Costa Rican;Croatia:Croatian;Cuba:Cuban;Cyprus:Cypriot;Czech Republic:Czech;Czechia:;
Denmark:Danish;Djibouti:Djiboutian;Dominican Republic:Dominican;Ecuador:Ecuadorian;Egypt:Egyptian;
El Salvador:Salvadoran;Equatorial Guinea:Equatoguinean;Eritrea:Eritrean;Estonia:Estonian;Eswatini:;
Ethiopia:Ethiopian;Fiji:Fijian;Finland:Finnish;France:French;Gabon:Gabonese;Gambia:Gambian;Georgia:
Georgian;Germany:German;Ghana:Ghanaian;Greece:Greek;Guatemala:Guatemalan;Guinea:Guinean;Guinea-Bissau:;
Guyana:Guyanese;Haiti:Haitian;Honduras:Honduran;Hungary:Hungarian;Iceland:Icelandic;India:Indian;
Indonesia:Indonesian;Iran:Iranian;Iraq:Iraqi;Ireland:Irish;Israel:Israeli;Italy:Italian;Ivory Coast:
Ivorian;Jamaica:Jamaican;Japan:Japanese;Jordan:Jordanian;Kazakhstan:Kazakh;Kenya:Kenyan;Kosovo:Kosovar;
Kuwait:Kuwaiti;Kyrgyzstan:Kyrgyz;Laos:Lao,Laotian;Latvia:Latvian;Lebanon:Lebanese;Lesotho:Basotho;
Liberia:Liberian;Libya:Libyan;Liechtenstein:;Lithuania:Lithuanian;Luxembourg:Luxembourgish;Madagascar:
Malagasy;Malawi:Malawian;Malaysia:Malaysian;Maldives:Maldivian;Mali:Malian;Malta:Maltese;Mauritania:
Mauritanian;Mauritius:Mauritian;Mexico:Mexican;Moldova:Moldovan;Monaco:Monegasque;Mongolia:Mongolian;
Montenegro:Montenegrin;Morocco:Moroccan;Mozambique:Mozambican;Myanmar:Burmese,Myanmar;Burma:;Namibia:
Namibian;Nepal:Nepalese,Nepali;Netherlands:Dutch;New Zealand:New Zealander;Nicaragua:Nicaraguan;Niger:
Nigerien;Nigeria:Nigerian;North Korea:North Korean;North Macedonia:Macedonian;Norway:Norwegian;Oman:Omani;
Pakistan:Pakistani;Palestine:Palestinian;Gaza:;West Bank:;Panama:Panamanian;Papua New Guinea:;Paraguay:
Paraguayan;Peru:Peruvian;Philippines:Filipino,Philippine;Poland:Polish;Portugal:Portuguese;Qatar:Qatari;
Romania:Romanian;Russia:Russian;Rwanda:Rwandan;Saudi Arabia:Saudi;Senegal:Senegalese;Serbia:Serbian;
Sierra Leone:Sierra Leonean;Singapore:Singaporean;Slovakia:Slovak;Slovenia:Slovenian;Somalia:Somali;
South Africa:South African;South Korea:South Korean;South Sudan:South Sudanese;Spain:Spanish;Sri Lanka:
Sri Lankan;Sudan:Sudanese;Suriname:Surinamese;Sweden:Swedish;Switzerland:Swiss;Syria:Syrian;Taiwan:
Taiwanese;Tajikistan:Tajik;Tanzania:Tanzanian;Thailand:Thai;Togo:Togolese;Tunisia:Tunisian;Turkey:Turkish;
Turkmenistan:Turkmen;Uganda:Ugandan;Ukraine:Ukrainian;United Arab Emirates:Emirati;UAE:;
United Kingdom:British;UK:;U.K.:;Britain:;Great Britain:;England:English;Scotland:Scottish;Wales:Welsh;
United States:American;United States of America:;US:;U.S.:;USA:;America:;Uruguay:Uruguayan;Uzbekistan:
Uzbek;Venezuela:Venezuelan;Vietnam:Vietnamese;Yemen:Yemeni;Zambia:Zambian;Zimbabwe:Zimbabwean
"""


def _parse_countries() -> tuple[dict[str, str], dict[str, str]]:
    countries: dict[str, str] = {}
    demonyms: dict[str, str] = {}
    canonical_alias = {
        "UK": "United Kingdom",
        "U.K.": "United Kingdom",
        "Britain": "United Kingdom",
        "Great Britain": "United Kingdom",
        "US": "United States",
        "U.S.": "United States",
        "USA": "United States",
        "America": "United States",
        "United States of America": "United States",
        "Burma": "Myanmar",
        "UAE": "United Arab Emirates",
        "DRC": "Congo",
        "DR Congo": "Congo",
        "Czechia": "Czech Republic",
        "Democratic Republic of Congo": "Congo",
        "Democratic Republic of the Congo": "Congo",
    }
    for entry in re.sub(r"\s*\n\s*", " ", _COUNTRY_DATA).split(";"):
        name, _, dems = entry.strip().partition(":")
        name = name.strip()
        if not name:
            continue
        canon = canonical_alias.get(name, name)
        countries[name.lower()] = canon
        for dem in dems.split(","):
            if dem.strip():
                demonyms[dem.strip().lower()] = canon
    return countries, demonyms


COUNTRIES, DEMONYMS = _parse_countries()


def country_of(name: str) -> str | None:
    """The canonical country of a country name or demonym ("U.S." -> "United States", "Syrian" -> "Syria")."""
    key = re.sub(r"^the\s+", "", name.strip(), flags=re.IGNORECASE).lower()
    return COUNTRIES.get(key) or DEMONYMS.get(key)


def _words(block: str) -> list[str]:
    return [w.strip() for w in block.replace("\n", "").split("|") if w.strip()]


MEDIA = frozenset(
    w.lower()
    for w in _words("""
ABC|ABC News|BBC|CNN|NBC|CBS|Fox|Fox News|MSNBC|NPR|PBS|Reuters|AP|Associated Press|AFP|
Agence France-Presse|Agence France Presse|Al Jazeera|Al-Jazeera|Al Arabiya|SANA|TASS|RIA Novosti|
Interfax|Xinhua|Anadolu|Bloomberg|Politico|Breitbart|The Hill|Axios|Vox|Slate|Salon|BuzzFeed|
HuffPost|Huffington Post|Daily Mail|Sky News|ITV|Euronews|Deutsche Welle|DW|France 24|RT|Sputnik|
Le Monde|Der Spiegel|Spiegel|Haaretz|Dawn|Yonhap|Kyodo|NHK|ANSA|EFE|DPA|UPI|Newsweek|Time|
The Atlantic|The Economist|Economist
""")
)
MEDIA_WORDS = re.compile(
    r"\b(?:Times|Post|Journal|News|Herald|Tribune|Gazette|Telegraph|Guardian|Independent|Agency|TV|"
    r"Television|Radio|Broadcasting|Press|Daily|Magazine|Observer|Chronicle|Monitor|Express|Mirror|"
    r"Examiner|Reporter|Wire|Network|Channel)\b"
)

INTERNATIONAL = frozenset(
    w.lower()
    for w in _words("""
UN|U.N.|United Nations|UN Security Council|Security Council|NATO|EU|European Union|WHO|
World Health Organization|Red Cross|ICRC|International Committee of the Red Cross|Red Crescent|
UNICEF|UNHCR|OCHA|WFP|World Food Programme|OPCW|IAEA|IMF|World Bank|African Union|AU|Arab League|
OSCE|ASEAN|Interpol|ICC|International Criminal Court|Amnesty International|Human Rights Watch|MSF|
Doctors Without Borders|Medecins Sans Frontieres|OPEC|G7|G20|UN Human Rights Council
""")
)
FEMALE_NAMES = frozenset(
    w.lower()
    for w in _words("""
Hillary|Kellyanne|Melania|Ivanka|Chelsea|Michelle|Nancy|Elizabeth|Sarah|Theresa|Angela|Marine|
Condoleezza|Madeleine|Samantha|Nikki|Susan|Jill|Huma|Donna|Debbie|Kate|Mary|Anne|Ann|Jennifer|Linda|
Patricia|Barbara|Margaret|Jessica|Karen|Lisa|Laura|Emily|Emma|Maria|Hope|Katrina|Kamala|Amy|Kirsten|
Tulsi|Loretta|Janet|Federica|Christine|Ursula|Carly|Megyn|Gennifer|Alicia|Jen|Katie|Lynn|Rachel|
Rebecca|Sheryl|Stephanie|Tammy|Valerie|Wendy|Heather|Julie|Maggie|Marsha|Martha|Monica|Paula|Ruth|
Samira|Fatima|Aisha|Leila|Layla|Mariam|Nadia|Olga|Yulia|Zainab|Bana
""")
)
MALE_NAMES = frozenset(
    w.lower()
    for w in _words("""
Donald|Mike|Michael|Barack|Bill|William|John|Joe|Joseph|Vladimir|Bernie|Tim|Paul|Ted|Marco|Jeb|Chris|
Christopher|Mitt|Rudy|Newt|Reince|Robby|Josh|Sean|Steve|Stephen|Corey|Jason|Eric|Rick|Ben|Gary|Jim|
James|Robert|David|Richard|Thomas|Charles|Daniel|Mark|George|Kevin|Brian|Edward|Ronald|Anthony|Frank|
Peter|Andrew|Matthew|Lindsey|Rand|Staffan|Bashar|Sergei|Sergey|Recep|Ali|Mohammed|Muhammad|Ahmed|
Ahmad|Omar|Hassan|Hussein|Salem|Riyad|Anas|Khaled|Walid|Abdullah|Abu|Ibrahim|Mahmoud|Mustafa|Yusuf|
Hamid|Ashraf|Benjamin|Emmanuel|Francois|Boris|Xi|Kim|Narendra|Justin|Kofi|Ban|Antonio|Ashton|Nigel|
Jeremy|Tony|Gordon|Harry|Jack|Jared|Ryan|Scott|Tom|Martin|Nick|Larry|Dan|Jerry|Roger|Howard|Harold|
Henry|Lester|Chuck|Al|Bob|Hugh|Lou|Matt
""")
)
ROLE_WORDS = tuple(
    _words("""
spokesman|spokeswoman|spokesperson|press secretary|secretary of state|secretary|coordinator|
president|vice president|prime minister|foreign minister|minister|mediator|envoy|special envoy|
ambassador|activist|leader|commander|official|general|chief|director|chairman|chairwoman|chair|head|
governor|mayor|senator|sen.|rep.|representative|congressman|congresswoman|analyst|researcher|
professor|journalist|correspondent|reporter|witness|resident|doctor|surgeon|nurse|negotiator|adviser|
advisor|aide|manager|campaign manager|candidate|nominee|founder|member|lawmaker|diplomat|colonel|
captain|lieutenant|sergeant|officer|inspector|police chief|monitor|strategist|pollster|economist|
expert|king|queen|emir|sheikh|pope|judge|attorney general|attorney|lawyer|chief executive|ceo|
executive|militant|fighter|rebel|soldier
""")
)
