// What each role may open in the console, mirroring routing/access.hpp's permissions: the server
// decides, this only chooses which screens and links to offer.
const consultation_roles = new Set(['counsellor', 'supervisor']);  // work_consultations
const report_roles = new Set(['admin', 'supervisor', 'analyst']);   // read_reports
const staff_roles = new Set(['admin']);                             // manage_staff

export function can_work_consultations(role) {
  return consultation_roles.has(role);
}

export function can_read_reports(role) {
  return report_roles.has(role);
}

// supervise_shift: the supervisor's board (監督ボード).
export function can_supervise_shift(role) {
  return role === 'supervisor';
}

export function can_manage_staff(role) {
  return staff_roles.has(role);
}
