"""Two coders' independent codings of the shared documents, as data.

Each entry: (document file, quoted phrase, code paths, who, memo). `who` is "coder1", "coder2"
or "both". The loader finds the phrase in the document's stored text and codes that span. The
coders agree on most passages and differ the way real coders do: one codes a passage the other
skipped, both code it with neighbouring concepts, or one takes a longer span than the other.
"""

from __future__ import annotations

A = "Actors > "
DF = "Development focus area > "
CS = "Core strategic topic > "
PV = "Perceived value > "
QN = PV + "Quantitative / financial > "
QL = PV + "Qualitative / socio-economic > "
COOP = CS + "Cooperation, sharing and involvement > "

PDF = "alpha-digital-strategy.pdf"
ROADMAP = "alpha-open-data-roadmap.md"
BETA = "beta-smart-city-plan.md"
GAMMA = "gamma-digital-strategy.txt"
DELTA = "delta-digital-strategy.txt"
EPSILON = "epsilon-joint-strategy.md"
I_ALPHA = "interview-alpha.txt"
I_DELTA = "interview-delta.txt"
I_EPSILON = "interview-epsilon.txt"

CODINGS: list[tuple[str, str, list[str], str, str]] = [
    # --- Alpha: the strategy (PDF) ---
    (
        PDF,
        "we face an ageing population, fewer people of working age",
        [CS + "Change and innovation > Solve societal challenges"],
        "both",
        "Demographic change as the reason to digitalize.",
    ),
    (
        PDF,
        "services that are available around the clock",
        [CS + "Self-service and usability > 24-hour management"],
        "both",
        "Vision: always open.",
    ),
    (
        PDF,
        "data that are not sensitive are published as open data in machine-readable formats",
        [COOP + "Open data"],
        "both",
        "Open by default.",
    ),
    (
        PDF,
        "We prefer common solutions from KS, Digdir and the regional cooperation",
        [COOP + "Common solutions", A + "Public actors > Municipalities"],
        "coder1",
        "Common solutions before own builds.",
    ),
    (
        PDF,
        "We prefer common solutions from KS, Digdir and the regional cooperation to building "
        "our own.",
        [COOP + "Common solutions", A + "Government > National authorities"],
        "coder2",
        "Prefers national and regional common solutions.",
    ),
    (
        PDF,
        "We will expand the use of welfare technology such as digital supervision at night",
        [DF + "Welfare technology > Welfare technology"],
        "both",
        "Welfare technology at home.",
    ),
    (
        PDF,
        "Sensors in municipal buildings will measure energy use and indoor climate",
        [DF + "House and buildings > Smart buildings"],
        "both",
        "",
    ),
    (
        PDF,
        "sensor-based monitoring of water leaks in the municipal water network",
        [DF + "Area and mobility > Water and drainage"],
        "coder1",
        "Pilot only: 'will test'.",
    ),
    (
        PDF,
        "Robotic process automation has already saved the equivalent of two full-time "
        "positions in the finance department",
        [CS + "Automated processes > Free resources", QN + "Automated processes"],
        "both",
        "RPA in finance: two positions freed.",
    ),
    (
        PDF,
        "We will work with local businesses and with NTNU on pilots",
        [A + "Industry > Partners", A + "Academia > Universities"],
        "both",
        "Triple helix: business and university.",
    ),
    (
        PDF,
        "involve residents through user panels",
        [COOP + "Resident involvement", A + "Society > Residents"],
        "coder2",
        "",
    ),
    (
        PDF,
        "Every leader is responsible for digitalization in their own unit",
        [CS + "Leadership and competencies > Leader responsibilities"],
        "both",
        "",
    ),
    (PDF, "lower operating costs", [QN + "Cost savings"], "coder1", ""),
    (
        PDF,
        "better service quality, shorter waiting times and a better working environment",
        [QL + "Service quality", QL + "Better work environment"],
        "both",
        "Qualitative benefits named explicitly.",
    ),
    (
        PDF,
        "Together with St. Olavs hospital and the other municipalities in the region we will take "
        "part in the introduction of Helseplattformen.",
        [DF + "Health care > Patient administration systems", A + "Public actors > State"],
        "coder2",
        "Regional patient record with the hospital.",
    ),
    (
        PDF,
        "Home care services will use mobile devices for documentation at the point of care.",
        [DF + "Health care > Home care"],
        "both",
        "",
    ),
    # --- Alpha: open data roadmap ---
    (
        ROADMAP,
        "to make the municipality a better place to live",
        [QL + "Municipal attractivity"],
        "both",
        "Smart city defined by its purpose.",
    ),
    (
        ROADMAP,
        'We use "smart city" to mean the use of data, sensors and digital services',
        [CS + "Wholesome solutions > Smart city"],
        "both",
        "",
    ),
    (
        ROADMAP,
        "A pilot with forty sensors measuring air quality and noise",
        [DF + "Greener environment > Environmental services"],
        "coder1",
        "Still a pilot.",
    ),
    (ROADMAP, "together with a local energy company", [A + "Industry > Partners"], "both", ""),
    (
        ROADMAP,
        "LoRaWAN test network",
        [DF + "ICT-infrastructure > Experimental networks"],
        "coder1",
        "In vivo: proposed a new concept for test networks.",
    ),
    (
        ROADMAP,
        "LoRaWAN test network that a regional business cluster and NTNU established for "
        "experimental use",
        [DF + "ICT-infrastructure > Mobile networks", A + "Academia > Universities"],
        "coder2",
        "",
    ),
    (
        ROADMAP,
        "Real-time data on available parking in the municipal car parks",
        [DF + "Area and mobility > Parking"],
        "both",
        "",
    ),
    (
        ROADMAP,
        "The street lights along the municipal roads will be replaced with LED lights",
        [DF + "Area and mobility > Street lighting"],
        "both",
        "",
    ),
    (
        ROADMAP,
        "We expect energy savings of about 60 percent in street lighting.",
        [QN + "Cost savings"],
        "coder1",
        "Energy savings counted as money.",
    ),
    (
        ROADMAP,
        "We expect energy savings of about 60 percent in street lighting.",
        [QL + "Sustainability"],
        "coder2",
        "Energy savings as a green benefit.",
    ),
    (
        ROADMAP,
        "Before new services are built, residents are invited to workshops.",
        [COOP + "Co-creation"],
        "both",
        "",
    ),
    (
        ROADMAP,
        "New services and business opportunities built on open data.",
        [QL + "Innovation"],
        "both",
        "",
    ),
    (
        ROADMAP,
        "No sensor may identify persons",
        [DF + "Security and privacy > Privacy"],
        "coder2",
        "",
    ),
    # --- Beta: smart city plan ---
    (
        BETA,
        "we want to use technology and data to make Fjellstad an attractive place to live",
        [QL + "Municipal attractivity", CS + "Wholesome solutions > Smart city"],
        "both",
        "Attractiveness is the plan's first aim.",
    ),
    (
        BETA,
        "Sensors in the parking spaces in the town centre show free spaces in an app",
        [DF + "Area and mobility > Parking"],
        "both",
        "",
    ),
    (
        BETA,
        "Digital water meters are installed in all homes by 2024.",
        [DF + "Area and mobility > Water and drainage"],
        "both",
        "",
    ),
    (
        BETA,
        "The waste company tests fill-level sensors in the public bins along the harbour",
        [DF + "Area and mobility > Waste collection"],
        "coder2",
        "A test: pilot.",
    ),
    (
        BETA,
        "Fjellstad shall reduce its greenhouse gas emissions by 40 percent by 2030.",
        [DF + "Greener environment > Sustainability"],
        "both",
        "",
    ),
    (
        BETA,
        "Solar panels on three schools",
        [DF + "Greener environment > Renewable energy"],
        "both",
        "",
    ),
    (
        BETA,
        "The home care services use digital supervision and electronic medicine dispensers.",
        [DF + "Welfare technology > Welfare technology"],
        "both",
        "",
    ),
    (
        BETA,
        "Companies may test solutions in the municipality's buildings and streets through an "
        '"innovation partnership"',
        [A + "Industry > Partners", COOP + "Private coordination"],
        "both",
        "Innovation partnership with local business.",
    ),
    (
        BETA,
        "Each project has a reference group of residents.",
        [COOP + "Resident involvement"],
        "both",
        "",
    ),
    (
        BETA,
        "We share experience informally with three neighbouring municipalities",
        [COOP + "Municipal cooperation", A + "Public actors > Municipalities"],
        "both",
        "Informal cooperation only.",
    ),
    # --- Gamma: strategy ---
    (
        GAMMA,
        "Long distances, a scattered settlement and a growing share of elderly inhabitants",
        [CS + "Change and innovation > Solve societal challenges"],
        "both",
        "",
    ),
    (
        GAMMA,
        "The municipality will co-finance fibre to the remaining homes",
        [DF + "ICT-infrastructure > Technological infrastructure"],
        "both",
        "",
    ),
    (
        GAMMA,
        "video consultations and remote monitoring of chronic patients",
        [DF + "Health care > Patient interaction"],
        "coder1",
        "",
    ),
    (
        GAMMA,
        "Welfare technology such as digital supervision, video consultations and remote "
        "monitoring of chronic patients",
        [DF + "Welfare technology > Welfare technology"],
        "coder2",
        "",
    ),
    (
        GAMMA,
        "we share a welfare technology coordinator with two neighbouring municipalities",
        [COOP + "Municipal cooperation", A + "Public actors > Municipalities"],
        "both",
        "",
    ),
    (
        GAMMA,
        "Digital learning tools shall be used where they give better learning",
        [DF + "Education > Digital learning tools"],
        "both",
        "",
    ),
    (
        GAMMA,
        "which runs a common platform, common service desk and common procurement",
        [DF + "ICT-infrastructure > Platforms", COOP + "Common solutions"],
        "both",
        "",
    ),
    (
        GAMMA,
        "Through it we get stronger purchasing power",
        [QN + "Greater purchasing power"],
        "both",
        "",
    ),
    (
        GAMMA,
        "Elvedal wants to be a pioneer among rural municipalities.",
        [CS + "Change and innovation > Pioneer"],
        "coder1",
        "",
    ),
    (
        GAMMA,
        "All employees shall complete the e-learning course in information security",
        [DF + "Security and privacy > Information security"],
        "both",
        "",
    ),
    # --- Delta: strategy ---
    (
        DELTA,
        "Havøy is a smart and sustainable city where data are used to reduce emissions",
        [CS + "Wholesome solutions > Smart city", DF + "Greener environment > Sustainability"],
        "both",
        "",
    ),
    (
        DELTA,
        "partnership agreement with the University of Havøy and the regional cluster for "
        "ocean technology",
        [A + "Academia > Universities", A + "Industry > Partners"],
        "both",
        "Triple helix made formal.",
    ),
    (DELTA, '"Havøy Living Lab"', [A + "Academia > Innovation labs"], "coder2", ""),
    (
        DELTA,
        "residents' organisations and the local newspaper also take part in the steering group",
        [A + "Society > Residents", COOP + "Resident involvement"],
        "both",
        "Quadruple helix: society joins.",
    ),
    (
        DELTA,
        "A digital twin of the city centre is used in planning",
        [DF + "Area and mobility > Planning"],
        "both",
        "",
    ),
    (
        DELTA,
        "Smart traffic lights give priority to buses and bicycles.",
        [DF + "Area and mobility > Traffic"],
        "coder1",
        "",
    ),
    (
        DELTA,
        "Leak detection in the water network has reduced the loss of drinking water",
        [DF + "Area and mobility > Water and drainage"],
        "both",
        "",
    ),
    (
        DELTA,
        "Havøy will build a common data platform",
        [CS + "Wholesome solutions > Solid data platform"],
        "both",
        "",
    ),
    (DELTA, "Open data are published as a rule.", [COOP + "Open data"], "both", ""),
    (
        DELTA,
        "saved working hours, lower energy costs and avoided damage",
        [QN + "Cost savings"],
        "both",
        "",
    ),
    (
        DELTA,
        "user satisfaction, better working environment and participation in local democracy",
        [QL + "User satisfaction", QL + "Democratic participation"],
        "coder2",
        "",
    ),
    (DELTA, "participation in local democracy", [QL + "Democratic participation"], "coder1", ""),
    # --- Epsilon: joint strategy ---
    (
        EPSILON,
        "Alone, none of us can afford the specialists, the systems and the security",
        [COOP + "Municipal cooperation"],
        "both",
        "The reason for the region.",
    ),
    (
        EPSILON,
        "We choose common solutions and standardize our processes",
        [
            COOP + "Common solutions",
            CS + "Automated processes > Effectivity through standardization",
        ],
        "both",
        "",
    ),
    (
        EPSILON,
        "New systems are procured jointly, which gives us better prices",
        [QN + "Greater purchasing power"],
        "both",
        "",
    ),
    (
        EPSILON,
        "alarms are received by the common response centre in Havøy",
        [DF + "Welfare technology > Welfare technology", A + "Public actors > Municipalities"],
        "coder1",
        "",
    ),
    (
        EPSILON,
        "The schools share a common learning platform",
        [DF + "Education > E-learning cloud solutions"],
        "both",
        "",
    ),
    (
        EPSILON,
        "A shared security adviser, common routines and yearly exercises",
        [DF + "Security and privacy > Information security"],
        "both",
        "",
    ),
    (
        EPSILON,
        "explore how sensors and data from the sea can create new business opportunities",
        [A + "Industry > Partners", QL + "Innovation"],
        "coder2",
        "Only exploring.",
    ),
    (EPSILON, "Lower costs for each municipality", [QN + "Cost savings"], "both", ""),
    (EPSILON, "Less vulnerability when key employees leave.", [QL + "Reliability"], "both", ""),
    # --- Interviews ---
    (
        I_ALPHA,
        "The digitalization network in Trøndelag is the most important.",
        [COOP + "Municipal cooperation", A + "Public actors > Municipalities"],
        "both",
        "",
    ),
    (
        I_ALPHA,
        "They own some of the equipment, we own the data.",
        [A + "Industry > Partners"],
        "coder2",
        "Data ownership in contracts.",
    ),
    (
        I_ALPHA,
        "with NTNU we have had master students writing about our open data",
        [A + "Academia > Universities"],
        "both",
        "",
    ),
    (
        I_ALPHA,
        "We see the municipality as a kind of test arena.",
        [CS + "Change and innovation > Innovation culture"],
        "coder1",
        "",
    ),
    (
        I_ALPHA,
        "The hard part is the qualitative benefits.",
        [CS + "Evaluation and revision > Value measurement"],
        "both",
        "Qualitative benefits are hard to measure.",
    ),
    (
        I_DELTA,
        "We are good at starting pilots. We are less good at taking the successful ones "
        "into daily operations",
        [CS + "Evaluation and revision > Project prioritization"],
        "both",
        "Pilot trap.",
    ),
    (
        I_DELTA,
        "You cannot build a smart city only with engineers and companies.",
        [A + "Society > Residents"],
        "coder1",
        "",
    ),
    (
        I_DELTA,
        "Formally through the response centre for welfare technology, which we run for eight "
        "municipalities",
        [COOP + "Municipal cooperation", A + "Public actors > Municipalities"],
        "both",
        "Formal cooperation: Delta hosts the regional response centre.",
    ),
    (
        I_DELTA,
        "We are part of a European project on digital twins with cities in Denmark and the "
        "Netherlands.",
        [A + "International partners"],
        "both",
        "",
    ),
    (
        I_DELTA,
        "The sensors in the drainage network are about climate adaptation",
        [DF + "Greener environment > Environmental services"],
        "both",
        "",
    ),
    (
        I_DELTA,
        "Three start-ups have moved to Havøy because of the test arena.",
        [QL + "Municipal attractivity"],
        "both",
        "",
    ),
    (
        I_EPSILON,
        "Water works have remote monitoring of the pumping stations",
        [DF + "Area and mobility > Water and drainage"],
        "both",
        "",
    ),
    (
        I_EPSILON,
        "It is just an idea so far.",
        [A + "Industry > Partners"],
        "coder1",
        "Exploring only: a pilot mark at most.",
    ),
    (I_EPSILON, "KS is important for us.", [COOP + "KS learning"], "both", ""),
    (
        I_EPSILON,
        "a person in Kvitøy gets the same digital services as a person in Vågen",
        [QL + "Service quality"],
        "both",
        "",
    ),
]
