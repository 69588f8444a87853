// The desktop's router: wouter (a few KiB) under the handful of names the screens use —
// Link, NavLink, Navigate, useNavigate, useLocation, useParams, useSearchParams, Route,
// Switch. One module, so that changing the router is one file (react-router 7 cost ~90 KiB
// of the first load for features we do not use: see docs/web.md).
import { forwardRef, useEffect, type AnchorHTMLAttributes, type ReactNode } from 'react';
import {
  Link as WouterLink,
  Route,
  Switch,
  useLocation as useWouterLocation,
  useParams as useWouterParams,
  useSearch,
  useSearchParams as useWouterSearchParams,
} from 'wouter';
import { navigate as browserNavigate, useHistoryState } from 'wouter/use-browser-location';

export { Route, Switch };

export interface NavigateOptions {
  replace?: boolean;
  state?: unknown;
}

export function useNavigate(): (to: string, options?: NavigateOptions) => void {
  return browserNavigate;
}

export function useLocation(): { pathname: string; search: string; state: unknown } {
  const [pathname] = useWouterLocation();
  const search = useSearch();
  const state = useHistoryState<unknown>();
  return { pathname, search: search ? `?${search}` : '', state };
}

export function useParams<T extends Record<string, string | undefined>>(): Partial<T> {
  return useWouterParams() as Partial<T>;
}

export function useSearchParams() {
  return useWouterSearchParams();
}

type AnchorProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & { to: string; replace?: boolean };

export const Link = forwardRef<HTMLAnchorElement, AnchorProps>(function Link({ to, replace, ...rest }, ref) {
  return <WouterLink ref={ref} href={to} replace={replace} {...rest} />;
});

export function isActivePath(pathname: string, to: string, end = false): boolean {
  if (end || to === '/') return pathname === to;
  return pathname === to || pathname.startsWith(to.endsWith('/') ? to : `${to}/`);
}

type NavLinkProps = Omit<AnchorProps, 'className'> & {
  end?: boolean;
  className?: string | ((state: { isActive: boolean }) => string);
  // Which path counts as "here" when it differs from `to` (e.g. /settings for /settings/profile).
  activeFor?: string;
};

export const NavLink = forwardRef<HTMLAnchorElement, NavLinkProps>(function NavLink({ end, className, activeFor, to, ...rest }, ref) {
  const [pathname] = useWouterLocation();
  const isActive = isActivePath(pathname, activeFor ?? to, end);
  return (
    <Link
      ref={ref}
      to={to}
      aria-current={isActive ? 'page' : undefined}
      className={typeof className === 'function' ? className({ isActive }) : className}
      {...rest}
    />
  );
});

export function Navigate({ to, replace, state }: { to: string } & NavigateOptions): ReactNode {
  useEffect(() => {
    browserNavigate(to, { replace: replace ?? false, state });
  }, [to, replace, state]);
  return null;
}
