// Key/value tables (blackboard, counters, an attempt's fields).
export function fillTable(table, entries) {
  table.replaceChildren(...entries.map(([key, value]) => {
    const row = document.createElement("tr");
    const name = document.createElement("td"), shown = document.createElement("td");
    name.textContent = key;
    shown.textContent = typeof value === "object" && value !== null ? JSON.stringify(value) : String(value);
    row.append(name, shown);
    return row;
  }));
}

export function perHour(value) { return value.toFixed(value < 10 ? 1 : 0); }
