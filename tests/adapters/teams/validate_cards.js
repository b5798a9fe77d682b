// Parses Adaptive Cards with Microsoft's own renderer library (the `adaptivecards` npm package) targeting 1.5,
// and prints, per card, every validation event it reports and the card as the library would write it back:
// {"results": [{"events": [...], "roundTrip": {...}}, ...]}.
// Reads a JSON array of cards on stdin. Run with NODE_PATH pointing at the package's install.
const AC = require("adaptivecards/dist/adaptivecards.js");

function validate(json) {
  const events = [];
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  const card = new AC.AdaptiveCard();
  card.parse(json, context);
  for (let i = 0; i < context.eventCount; i++) {
    const e = context.getEventAt(i);
    events.push({ phase: e.phase, event: e.event, message: e.message });
  }
  const results = card.validateProperties();
  for (const e of results.validationEvents) {
    events.push({ phase: e.phase, event: e.event, message: e.message });
  }
  // Round trip: what the library would send back is what we sent, so nothing was dropped as unknown.
  const round = card.toJSON(new AC.SerializationContext(AC.Versions.v1_5));
  return { events, roundTrip: round };
}

let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const cards = JSON.parse(input);
  process.stdout.write(JSON.stringify({ results: cards.map(validate) }));
});
