"""How far each learner got: step records and completion over any page tree."""
