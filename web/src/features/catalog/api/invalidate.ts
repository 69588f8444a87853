import type { QueryClient } from '@tanstack/react-query';

import { queryKeys } from '@/lib/query-keys';

// After any change of what is installed: the catalog, every app's data and outputs, the
// grants and the audit log change with it.
export function invalidateInstalled(qc: QueryClient) {
  void qc.invalidateQueries({ queryKey: queryKeys.apps.all });
  void qc.invalidateQueries({ queryKey: ['app'] });
  void qc.invalidateQueries({ queryKey: queryKeys.outputs.all });
  void qc.invalidateQueries({ queryKey: queryKeys.grants });
  void qc.invalidateQueries({ queryKey: queryKeys.auditAll });
}
