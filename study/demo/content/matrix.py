"""The demo's cross-case matrix: the study's Table 3 rows mapped onto codes, plus the lead's
overrides (with reasons) and footnotes. Rows are read from cross-case-matrix-template.csv."""

from __future__ import annotations

MATRIX_NAME = "Cross-case comparison (Table 3)"
MATRIX_DESCRIPTION = (
    "The study's cross-case comparison: the five cases as columns, a mark where either coder "
    "coded the row's code (or a code below it) in a document of the case. The lead's "
    "overrides say why a computed mark was changed."
)

# Template row label → the code path that stands for it.
ROW_CODES = {
    "Industry": "Actors > Industry",
    "Academia": "Actors > Academia",
    "Other municipalities": "Actors > Public actors > Municipalities",
    "International partners": "Actors > International partners",
    "Health care": "Development focus area > Health care",
    "Welfare": "Development focus area > Welfare technology",
    "Education": "Development focus area > Education",
    "Water and drainage": "Development focus area > Area and mobility > Water and drainage",
    "Waste collection": "Development focus area > Area and mobility > Waste collection",
    "Road and street lights": "Development focus area > Area and mobility > Street lighting",
    "Parking": "Development focus area > Area and mobility > Parking",
    "Environmental services": "Development focus area > Greener environment > "
    "Environmental services",
    "Smart city": "Core strategic topic > Wholesome solutions > Smart city",
    "Open data": "Core strategic topic > Cooperation, sharing and involvement > Open data",
    "Data/radio networks for experimental use": "Development focus area > ICT-infrastructure > "
    "Experimental networks",
    "Increase process efficiency": "Core strategic topic > Automated processes",
    "New or improved services / business opportunities": "Perceived value > "
    "Qualitative / socio-economic > Innovation",
    "Increase municipal attractiveness / better place to live": "Perceived value > "
    "Qualitative / socio-economic > Municipal attractivity",
    "Cost savings": "Perceived value > Quantitative / financial > Cost savings",
    "Greener environment": "Development focus area > Greener environment",
}

HELIX_SECTION = "Ecosystem model"
HELIX_NAME = "Helix model"
HELIX_DESCRIPTION = (
    "Triple helix: public actors, industry and academia appear; quadruple adds society; "
    "quintuple adds the natural environment (Greener environment)."
)

# (row label, case key, symbol, reason): the lead's judgement where the codings say too much
# or too little.
OVERRIDES = [
    (
        "Waste collection",
        "beta",
        "*",
        "Fill-level sensors in the harbour bins are still a test with the waste company "
        "(plan, 'Water, drainage and waste'; interview 00:03:52).",
    ),
    (
        "Industry",
        "epsilon",
        "*",
        "Beyond suppliers, cooperation with the fish farming companies is only an idea so far "
        "(interview 00:11:10).",
    ),
    (
        "Data/radio networks for experimental use",
        "delta",
        "X",
        "The private 5G network in the harbour is open to companies for testing (interview "
        "00:00:22); no coder coded it because the code was proposed after Delta was coded.",
    ),
    (
        "Environmental services",
        "alpha",
        "*",
        "The air-quality and noise sensors are a pilot with the energy company.",
    ),
]

# (row label or "", case key or "", text)
FOOTNOTES = [
    (
        "",
        "epsilon",
        "For the regional case a mark means that the region provides a common solution for its "
        "six member municipalities.",
    ),
    (
        "International partners",
        "",
        "Added to the codebook during focused coding; only the Delta interview mentions "
        "partners abroad.",
    ),
]
