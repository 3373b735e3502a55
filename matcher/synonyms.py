"""Words a job description and a story say differently about the same thing.

Each group is a set of interchangeable terms: a requirement that says one of them
also looks for the others (OR). A term of several words is a phrase. Kept small and
obvious; stemming (Porter on SQLite, "english" on PostgreSQL) already joins
"deploy", "deployed" and "deployment".
"""

GROUPS = [
    ["on-call", "incident", "outage", "pager", "postmortem", "production failure"],
    ["stakeholders", "cross-team", "cross-functional", "partner teams"],
    ["latency", "performance", "speed"],
    ["mentor", "coach", "mentoring", "coaching"],
    ["conflict", "disagreement", "disagreed", "pushback"],
    ["deadline", "deadlines", "time pressure"],
    ["customer", "client", "user"],
    ["reliability", "uptime", "availability"],
    ["scale", "scaling", "scalability", "growth"],
    ["prioritise", "prioritize", "priorities", "trade-offs"],
    ["hire", "hiring", "recruit", "interviewing"],
    ["failure", "mistake", "setback"],
    ["feedback", "review", "critique"],
    ["influence", "persuade", "convinced"],
    ["cost", "spend", "budget"],
    ["roadmap", "strategy", "vision"],
    ["ambiguity", "ambiguous", "uncertainty", "unclear"],
    ["production", "deployment", "deploy", "release"],
    ["own", "ownership", "owner", "accountable", "accountability"],
    ["documents", "documentation", "write-up", "design document"],
    ["lead", "leadership", "led"],
]
