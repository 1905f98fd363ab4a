"""§5.3.3 会议 meetings: schedule, attendees, sign-in, minutes, follow-ups."""
