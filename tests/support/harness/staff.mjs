// The staff every stack gets: one account per role per tenant, a second counsellor, and officers of
// the hub and of another unit (a department); yamagata also has an officer of a platform group (tendo
// has none). Logins are "<tenant>-<key>"; all share one generated password.
const units = {
  yamagata: { hub: 'seikatsu-fukushi', other: 'seishin-hoken', group: 'hikikomori' },
  tendo: { hub: 'fukushi', other: 'kodomo' },
};

const roles = [
  { key: 'admin', role: 'admin', name: '管理者' },
  { key: 'supervisor', role: 'supervisor', name: 'スーパーバイザー' },
  { key: 'counsellor', role: 'counsellor', name: '相談員A' },
  { key: 'counsellor2', role: 'counsellor', name: '相談員B' },
  { key: 'officer', role: 'officer', name: '担当課職員', unit: 'hub' },
  { key: 'officer2', role: 'officer', name: '関係課職員', unit: 'other' },
  { key: 'officer3', role: 'officer', name: '支援団体職員', unit: 'group' },
  { key: 'analyst', role: 'analyst', name: '分析担当' },
];

export function staffPlan(password) {
  const plan = [];
  for (const tenant of Object.keys(units)) {
    for (const entry of roles) {
      if (entry.unit && !units[tenant][entry.unit]) {
        continue;  // the tenant has no such unit
      }
      plan.push({
        tenant, key: entry.key, login: `${tenant}-${entry.key}`, name: `${entry.name}(${tenant})`,
        role: entry.role, unit: entry.unit ? units[tenant][entry.unit] : null, password,
      });
    }
  }
  return plan;
}
