"""Fixed ingredients of the synthetic corpus: countries, real places, words, names."""

# ISO alpha-3, name, adjective, approximate centre (lat, lon), spread in degrees
# (how far admin1 centres wander), and weight (share of events).
COUNTRIES = [
    ("SYR", "Syria", "Syrian", 35.0, 38.5, 1.5, 12),
    ("IRQ", "Iraq", "Iraqi", 33.2, 43.7, 2.0, 6),
    ("AFG", "Afghanistan", "Afghan", 33.9, 67.7, 2.5, 6),
    ("YEM", "Yemen", "Yemeni", 15.6, 48.5, 2.0, 5),
    ("UKR", "Ukraine", "Ukrainian", 48.4, 31.2, 3.0, 8),
    ("RUS", "Russia", "Russian", 55.0, 45.0, 6.0, 3),
    ("TUR", "Turkey", "Turkish", 39.0, 35.2, 3.0, 3),
    ("ISR", "Israel", "Israeli", 31.4, 35.0, 0.6, 4),
    ("PSE", "Palestine", "Palestinian", 31.9, 35.2, 0.3, 4),
    ("LBN", "Lebanon", "Lebanese", 33.9, 35.9, 0.4, 2),
    ("JOR", "Jordan", "Jordanian", 31.2, 36.5, 1.0, 1),
    ("IRN", "Iran", "Iranian", 32.4, 53.7, 4.0, 2),
    ("SAU", "Saudi Arabia", "Saudi", 23.9, 45.1, 4.0, 1),
    ("EGY", "Egypt", "Egyptian", 26.8, 30.8, 3.0, 2),
    ("LBY", "Libya", "Libyan", 26.3, 17.2, 4.0, 3),
    ("TUN", "Tunisia", "Tunisian", 33.9, 9.5, 1.5, 1),
    ("DZA", "Algeria", "Algerian", 28.0, 1.7, 4.0, 1),
    ("MAR", "Morocco", "Moroccan", 31.8, -7.1, 2.0, 1),
    ("SDN", "Sudan", "Sudanese", 12.9, 30.2, 4.0, 4),
    ("SSD", "South Sudan", "South Sudanese", 6.9, 31.3, 2.5, 3),
    ("ETH", "Ethiopia", "Ethiopian", 9.1, 40.5, 3.0, 3),
    ("SOM", "Somalia", "Somali", 5.2, 46.2, 3.0, 4),
    ("KEN", "Kenya", "Kenyan", 0.0, 37.9, 2.5, 2),
    ("NGA", "Nigeria", "Nigerian", 9.1, 8.7, 3.0, 4),
    ("MLI", "Mali", "Malian", 17.6, -4.0, 4.0, 3),
    ("BFA", "Burkina Faso", "Burkinabe", 12.2, -1.6, 2.0, 3),
    ("NER", "Niger", "Nigerien", 17.6, 8.1, 4.0, 2),
    ("TCD", "Chad", "Chadian", 15.5, 18.7, 4.0, 1),
    ("CAF", "Central African Republic", "Central African", 6.6, 20.9, 3.0, 2),
    ("COD", "DR Congo", "Congolese", -4.0, 21.8, 5.0, 4),
    ("CMR", "Cameroon", "Cameroonian", 7.4, 12.4, 3.0, 2),
    ("MOZ", "Mozambique", "Mozambican", -18.7, 35.5, 4.0, 1),
    ("ZAF", "South Africa", "South African", -30.6, 22.9, 4.0, 1),
    ("PAK", "Pakistan", "Pakistani", 30.4, 69.3, 3.5, 3),
    ("IND", "India", "Indian", 20.6, 79.0, 6.0, 3),
    ("BGD", "Bangladesh", "Bangladeshi", 23.7, 90.4, 1.5, 1),
    ("MMR", "Myanmar", "Burmese", 21.9, 95.9, 3.0, 3),
    ("THA", "Thailand", "Thai", 15.9, 100.9, 3.0, 1),
    ("PHL", "Philippines", "Filipino", 12.9, 121.8, 3.0, 2),
    ("IDN", "Indonesia", "Indonesian", -0.8, 113.9, 5.0, 1),
    ("CHN", "China", "Chinese", 35.9, 104.2, 7.0, 1),
    ("PRK", "North Korea", "North Korean", 40.3, 127.5, 1.5, 1),
    ("KOR", "South Korea", "South Korean", 36.5, 127.8, 1.2, 1),
    ("JPN", "Japan", "Japanese", 36.2, 138.3, 3.0, 1),
    ("USA", "United States", "American", 39.8, -98.6, 10.0, 2),
    ("MEX", "Mexico", "Mexican", 23.6, -102.6, 5.0, 3),
    ("COL", "Colombia", "Colombian", 4.6, -74.3, 3.0, 2),
    ("VEN", "Venezuela", "Venezuelan", 6.4, -66.6, 3.0, 1),
    ("BRA", "Brazil", "Brazilian", -14.2, -51.9, 7.0, 2),
    ("GBR", "United Kingdom", "British", 54.0, -2.0, 2.0, 1),
    ("FRA", "France", "French", 46.6, 2.2, 3.0, 1),
    ("DEU", "Germany", "German", 51.2, 10.4, 2.5, 1),
    ("ARM", "Armenia", "Armenian", 40.1, 45.0, 0.7, 1),
    ("AZE", "Azerbaijan", "Azerbaijani", 40.1, 47.6, 1.2, 1),
]
COUNTRY_BY_ISO = {country[0]: country for country in COUNTRIES}

# Syria's governorates (approximate centres) and real towns in them.
SYRIA_ADMIN1 = [
    ("Idlib Governorate", 35.80, 36.60),
    ("Aleppo Governorate", 36.25, 37.40),
    ("Damascus Governorate", 33.51, 36.29),
    ("Rif Dimashq Governorate", 33.60, 36.70),
    ("Homs Governorate", 34.60, 37.90),
    ("Hama Governorate", 35.20, 36.90),
    ("Latakia Governorate", 35.60, 36.00),
    ("Tartus Governorate", 34.90, 35.95),
    ("Deir ez-Zor Governorate", 35.20, 40.30),
    ("Raqqa Governorate", 35.90, 38.90),
    ("Al-Hasakah Governorate", 36.50, 40.80),
    ("Daraa Governorate", 32.80, 36.20),
    ("As-Suwayda Governorate", 32.70, 36.70),
    ("Quneitra Governorate", 33.10, 35.85),
]
SYRIA_CITIES = {
    "Idlib Governorate": [
        ("Idlib", 35.9306, 36.6339),
        ("Saraqib", 35.8646, 36.8051),
        ("Maarat al-Numan", 35.6437, 36.6708),
        ("Ariha", 35.8137, 36.6075),
        ("Jisr al-Shughur", 35.8120, 36.3178),
        ("Khan Shaykhun", 35.4417, 36.6511),
        ("Sarmin", 35.9036, 36.7251),
        ("Binnish", 35.9569, 36.7131),
        ("Taftanaz", 35.9986, 36.7833),
        ("Sarmada", 36.1853, 36.7225),
    ],
    "Aleppo Governorate": [
        ("Aleppo", 36.2021, 37.1343),
        ("al-Atarib", 36.1372, 36.8302),
        ("Azaz", 36.5866, 37.0463),
        ("al-Bab", 36.3706, 37.5157),
        ("Manbij", 36.5281, 37.9549),
    ],
    "Damascus Governorate": [("Damascus", 33.5138, 36.2765)],
    "Rif Dimashq Governorate": [("Douma", 33.5711, 36.4017)],
    "Homs Governorate": [("Homs", 34.7324, 36.7137), ("Palmyra", 34.5600, 38.2800)],
    "Hama Governorate": [("Hama", 35.1318, 36.7578)],
    "Latakia Governorate": [("Latakia", 35.5317, 35.7901)],
    "Tartus Governorate": [("Tartus", 34.8890, 35.8866)],
    "Deir ez-Zor Governorate": [("Deir ez-Zor", 35.3359, 40.1408)],
    "Raqqa Governorate": [("Raqqa", 35.9528, 39.0079)],
    "Al-Hasakah Governorate": [("Qamishli", 37.0520, 41.2260)],
    "Daraa Governorate": [("Daraa", 32.6189, 36.1021)],
    "As-Suwayda Governorate": [("Suwayda", 32.7090, 36.5660)],
    "Quneitra Governorate": [("Quneitra", 33.1250, 35.8240)],
}
SYRIA_ROUTES = ["M4 highway", "M5 highway", "Aleppo-Gaziantep road"]
# Where the Idlib offensive of February-March 2020 happened.
IDLIB_FRONT = ["Idlib", "Saraqib", "Sarmin", "Binnish", "Ariha", "Taftanaz"]

SYLLABLES = (
    "al ka ra bad tel ma zar dun sha bir kan ol ev ston burg pur ab ad ir "
    "na go lu mi sa ke to ri vo an es ul ba de qa"
).split()
ADMIN1_SUFFIXES = ["Province", "Region", "State", "District", "Oblast"]

# Words for summaries, titles, bodies and quotes, most frequent first: they are
# drawn with Zipf weights, so position decides how common a word is.
VOCAB = (
    "the of in and to a on forces said killed were at by near with attack "
    "village from after two local civilians security fighting city area "
    "government police people reported military group clashes wounded "
    "troops during officials sources town protest shelling "
    "airstrike residents army rebels militants border district killing "
    "armed soldiers injured opposition province attacks fire capital "
    "northern southern eastern western road offensive positions "
    "strike drone artillery rockets mortar displaced humanitarian aid "
    "talks agreement negotiations meeting statement minister president "
    "leaders commander checkpoint convoy camp hospital school market "
    "mosque church bridge highway front line control advance withdrawal "
    "siege bombardment explosion blast bomb suicide ambush raid arrest "
    "detained abducted kidnapped released prisoners hostages protesters "
    "demonstration rally riot dispersed tear gas curfew election vote "
    "parliament court sanctions embargo mediation envoy delegation "
    "ceasefire truce violation accused denied condemned warned called urged "
    "announced confirmed estimated according witnesses monitor observatory "
    "agency spokesman report heavy several dozens hundreds thousands "
    "overnight morning evening yesterday today week month"
).split()
QUERY_WORD = "ceasefire"

FIRST_NAMES = (
    "Ahmed Mohammed Ali Omar Hassan Fatima Aisha Mustafa Ibrahim Yusuf Olena "
    "Dmytro Ivan Sergei Recep Mehmet Ayşe Emre Abdullahi Amina Chinedu Ngozi "
    "Juan María José Luis Ana Pierre Marie Jean François Zoë Søren Björn "
    "Łukasz Nguyễn Rahul Priya Arjun Ahmad Karim Layla Nour Tariq Salim"
).split()
LAST_NAMES = (
    "al-Hassan Haddad Khalil Mansour Nasser Saleh Kovalenko Shevchenko "
    "Petrov Ivanov Yılmaz Kaya Demir Öztürk Okafor Abubakar Musa Diallo "
    "Traoré Keïta García Rodríguez López Martínez Dubois Lefèvre Müller "
    "Schmidt Kowalski Nowak Sharma Khan Rahman Hossain Tanaka Sato Kim Park "
    "Mendoza Ortega Núñez Çelik Erdoğan"
).split()

# Actors with real names: (name, kind, country, aliases); the first one for a
# country is its most frequent actor.
REAL_ACTORS = [
    ("Syrian government forces", "military", "SYR", ["Syrian Armed Forces", "SAA"]),
    ("Hayat Tahrir al-Sham", "armed_group", "SYR", ["HTS", "Tahrir al-Sham"]),
    ("Syrian Democratic Forces", "armed_group", "SYR", ["SDF"]),
    ("Syrian National Army", "armed_group", "SYR", ["SNA", "Free Syrian Army"]),
    ("Islamic State", "armed_group", "SYR", ["ISIS", "ISIL", "Daesh"]),
    ("Bashar al-Assad", "person", "SYR", ["Assad"]),
    ("Syria Civil Defence", "ngo", "SYR", ["White Helmets"]),
    ("Turkish Armed Forces", "military", "TUR", ["TSK"]),
    ("Recep Tayyip Erdoğan", "person", "TUR", ["Erdogan"]),
    ("Russian Aerospace Forces", "military", "RUS", ["VKS"]),
    ("Vladimir Putin", "person", "RUS", ["Putin"]),
    ("Wagner Group", "armed_group", "RUS", ["Wagner", "PMC Wagner"]),
    ("Hezbollah", "armed_group", "LBN", ["Hizbullah"]),
    ("Ansar Allah", "armed_group", "YEM", ["Houthis"]),
    ("Taliban", "armed_group", "AFG", ["Islamic Emirate of Afghanistan"]),
    ("al-Shabaab", "armed_group", "SOM", ["Harakat al-Shabaab al-Mujahideen"]),
    ("Boko Haram", "armed_group", "NGA", ["JAS"]),
    ("Rapid Support Forces", "armed_group", "SDN", ["RSF"]),
    ("United Nations", "international_organisation", None, ["UN"]),
    ("International Committee of the Red Cross", "ngo", None, ["ICRC"]),
]
ANALYST_ACTOR = "Syrian government forces"
ALIAS_QUERY = "HTS"

GROUP_WORDS = (
    "Liberation Freedom Martyrs Victory Dawn Lions Sons Revolution Unity "
    "Islamic Popular National Resistance Defence Justice Glory Sword Shield"
).split()
GROUP_FORMS = ["Brigade", "Front", "Movement", "Battalion", "Army", "Legion"]
ORG_FORMS = [
    "Union",
    "Council",
    "Association",
    "Foundation",
    "Institute",
    "Party",
    "Network",
    "Company",
    "Broadcasting",
    "Committee",
]
OUTLETS = [
    ("Reuters", "reuters.com"),
    ("Agence France-Presse", "afp.com"),
    ("Associated Press", "apnews.com"),
    ("Al Jazeera", "aljazeera.com"),
    ("BBC News", "bbc.co.uk"),
    ("Anadolu Agency", "aa.com.tr"),
    ("SANA", "sana.sy"),
    ("Enab Baladi", "enabbaladi.net"),
    ("Syrian Observatory for Human Rights", "syriahr.com"),
    ("Kyiv Independent", "kyivindependent.com"),
    ("TASS", "tass.com"),
    ("The Guardian", "theguardian.com"),
    ("Le Monde", "lemonde.fr"),
    ("El País", "elpais.com"),
    ("Daily Trust", "dailytrust.com"),
    ("Dawn", "dawn.com"),
    ("The Hindu", "thehindu.com"),
    ("Irrawaddy", "irrawaddy.com"),
    ("Sudan Tribune", "sudantribune.com"),
    ("Garowe Online", "garoweonline.com"),
]
WIRES = ["Reuters", "AFP", "AP", "Anadolu", None, None, None]
LANGUAGES = ["en"] * 14 + ["fr", "fr", "ar", "ar", "es", "ru"]

# CAMEO root -> (share of events, verbs for summaries). Real event data leans
# to statements and consultations (01-05) and, in conflict data, to 18-19.
CAMEO_ROOTS = {
    "01": (10, ["said", "stated", "announced"]),
    "02": (6, ["appealed to", "urged", "called on"]),
    "03": (6, ["pledged to", "offered to", "promised"]),
    "04": (10, ["met", "consulted", "held talks with"]),
    "05": (8, ["praised", "cooperated with", "endorsed"]),
    "06": (2, ["cooperated with", "shared intelligence with"]),
    "07": (2, ["sent aid to", "provided aid to"]),
    "08": (2, ["yielded to", "released", "eased restrictions on"]),
    "09": (1, ["investigated", "inspected"]),
    "10": (2, ["demanded", "demanded that"]),
    "11": (4, ["criticised", "accused", "condemned"]),
    "12": (3, ["rejected", "refused"]),
    "13": (3, ["threatened", "warned"]),
    "14": (6, ["protested against", "demonstrated against", "rallied against"]),
    "15": (2, ["mobilised against", "deployed against"]),
    "16": (2, ["cut ties with", "expelled", "reduced relations with"]),
    "17": (5, ["arrested", "detained", "raided"]),
    "18": (12, ["assaulted", "abducted", "ambushed", "bombed"]),
    "19": (20, ["shelled", "attacked", "clashed with", "struck"]),
    "20": (0.3, ["massacred", "carried out mass killings against"]),
}
