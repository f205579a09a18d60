import { formatOrgName } from './display-name';

/**
 * A short name for narrow places (digest rows, chart labels): "NHS Cheshire and Merseyside
 * Integrated Care Board" → "Cheshire and Merseyside". Falls back to the full name when shortening
 * would leave nothing.
 */
export function shortOrgName(name: string): string {
  const shown = formatOrgName(name);
  const short = shown
    .replace(/\bIntegrated Care Board\b/gi, '')
    .replace(/\bICB\b/g, '')
    .replace(/\bNHS\b/g, '')
    .replace(/\s{2,}/g, ' ')
    .replace(/^[\s,–-]+|[\s,–-]+$/g, '')
    .trim();
  return short === '' ? shown : short;
}
