// The shapes of the server's answers that more than one feature reads. Feature-only shapes
// live beside their API call (features/<name>/api). The server's OpenAPI document
// (GET /api/v1/openapi.json) is the reference.

export interface User {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'user' | string;
  created_at: number;
  time_zone: string;
}

export interface TokenPair {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  user: User;
}

export interface MfaChallenge {
  mfa_required: true;
  mfa_token: string;
}

export interface AppDependency {
  id: string;
  range: string;
  optional: boolean;
  purpose: string;
}

export interface AppWidget {
  id: string;
  title: string;
  output: string;
}

export interface AppSummary {
  id: string;
  name: string;
  version: string;
  description: string;
  icon: string;
  installed: boolean;
  enabled: boolean;
  installed_version: string | null;
  dependencies: AppDependency[];
  actions: Array<{ name: string; description: string; destructive: boolean }>;
  outputs: Array<{ name: string; description: string; access: 'any_app' | 'requires_permission' }>;
  widgets: AppWidget[];
}

export interface AppDetail extends AppSummary {
  manifest?: {
    outputs?: Record<string, { description?: string; label?: string }>;
    [key: string]: unknown;
  };
}

export interface PlanApp {
  id: string;
  name: string;
  version: string;
  optional: boolean;
  required_by: string | null;
}

export interface PlanOptional {
  id: string;
  name?: string;
  purpose?: string;
  required_by?: string | null;
  available?: boolean;
  [key: string]: unknown;
}

export interface PlanPermission {
  consumer: string;
  provider: string;
  kind: string;
  name: string;
  requires_grant: boolean;
  text: string;
}

export interface InstallPlan {
  app: string;
  install: PlanApp[];
  optional: PlanOptional[];
  integrations: Array<Record<string, unknown>>;
  permissions: PlanPermission[];
}

export interface Record_<T> {
  id: string;
  data: T;
  version: number;
  created_at: number;
  updated_at: number;
}
