"""Positions for the Fasering page's visual timeline (percentages of its width)."""

import datetime
from dataclasses import dataclass, field


@dataclass
class Timeline:
    start: datetime.date
    end: datetime.date
    years: list[dict] = field(default_factory=list)

    @classmethod
    def spanning(cls, dates, *, today: datetime.date) -> "Timeline":
        known = [d for d in dates if d] + [today]
        start = datetime.date(min(known).year, 1, 1)
        end = datetime.date(max(known).year + 1, 1, 1)
        timeline = cls(start=start, end=end)
        timeline.years = [
            {"year": year, "left": timeline.position(datetime.date(year, 1, 1))}
            for year in range(start.year, end.year)
        ]
        return timeline

    def position(self, day: datetime.date | None) -> float | None:
        """Where `day` stands, in percent from the left (None stays None)."""
        if day is None:
            return None
        total = (self.end - self.start).days
        return round(100 * (min(max(day, self.start), self.end) - self.start).days / total, 2)
