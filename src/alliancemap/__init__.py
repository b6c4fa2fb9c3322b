"""alliancemap: map the AI industry's rivalries and alliances from news, with evidence."""

__version__ = "0.1.0"
