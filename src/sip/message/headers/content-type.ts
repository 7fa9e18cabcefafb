/** Content-Type = media-type: m-type SLASH m-subtype *(SEMI m-parameter) (RFC 3261 §20.15). */
import { getParam, isToken, parseParams, type Param } from '../text.js';

export interface ContentType {
  /** Lower-cased "type/subtype". */
  mediaType: string;
  type: string;
  subtype: string;
  params: Param[];
  /** Shortcut for the `boundary` parameter of multipart bodies. */
  boundary?: string;
}

export function parseContentType(text: string): ContentType | string {
  const m = /^([^/ \t;]+)[ \t]*\/[ \t]*([^ \t;]+)(.*)$/s.exec(text.trim());
  if (!m) return 'expected type/subtype';
  const type = (m[1] ?? '').toLowerCase();
  const subtype = (m[2] ?? '').toLowerCase();
  if (!isToken(type) || !isToken(subtype)) return 'bad media type';
  const params = parseParams(m[3] ?? '');
  if (typeof params === 'string') return params;
  const ct: ContentType = { mediaType: `${type}/${subtype}`, type, subtype, params };
  const boundary = getParam(params, 'boundary');
  if (boundary) ct.boundary = boundary;
  return ct;
}
