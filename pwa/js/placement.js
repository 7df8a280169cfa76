// What a form asks that a placement record already says: used by "Ny bedömning" and by a supervisor's
// "Starta slutbedömning", so neither view imports the other.

/** A Slutbedömning's header from its placement (unit, specialty, period, type, sysselsättningsgrad and
 * absence), for the fields this form version has and the placement fills. */
export function fromPlacement(form, p) {
  const known = { unit: p.unit, specialty: p.specialty, period_start: p.start_date, period_end: p.end_date,
    placement_type: p.placement_type, employment_rate_percent: p.employment_rate_percent, absence_days: p.absence_days };
  return Object.fromEntries(Object.entries(known).filter(([k, v]) => v != null && v !== "" && form.schema?.properties?.[k]));
}
