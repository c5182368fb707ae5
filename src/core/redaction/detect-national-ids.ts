/*
 * National id numbers where a format or a check exists: US SSN, UK NINO, Spanish DNI/NIE, Brazilian CPF,
 * Indian Aadhaar. (IBANs are bank account numbers: their own kind, detect-iban.ts.)
 */
import { cpfValid, ninoPrefixValid, spanishIdValid, ssnValid, verhoeffValid } from './checksums';
import { type Detector, F_SEP, MARKERS } from './rule';

export const nationalId: Detector = {
  kind: 'national_id',
  rules: [
    {
      // US SSN, written 123-45-6789 or 123 45 6789, with the SSA's area/group/serial rules.
      id: 'us_ssn',
      kind: 'national_id',
      marker: MARKERS.national_id,
      re: /(?<![\w.-]|\d )\d{3}([- ])\d{2}\1\d{4}(?![\w-]|\.\d|\1\d)/g,
      minLength: 11,
      minDigits: 9,
      validate: (c) => ssnValid(c.slice(0, 3), c.slice(4, 6), c.slice(7)),
    },
    {
      // UK National Insurance number: AB123456C or AB 12 34 56 C; issued prefixes only.
      id: 'uk_nino',
      kind: 'national_id',
      marker: MARKERS.national_id,
      re: /(?<![A-Za-z0-9])[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]( ?)\d{2}\1\d{2}\1\d{2}\1[A-D](?![A-Za-z0-9])/g,
      minLength: 9,
      minDigits: 6,
      validate: (c) => ninoPrefixValid(c.slice(0, 2)),
    },
    {
      // Spanish DNI (12345678Z) and NIE (X1234567L), check letter mod 23.
      id: 'es_dni',
      kind: 'national_id',
      marker: MARKERS.national_id,
      re: /(?<![\w-])(?:\d{8}|[XYZ]-?\d{7})-?[A-HJ-NP-TV-Z](?![\w-])/g,
      minLength: 9,
      minDigits: 7,
      validate: (c) => spanishIdValid(c.replace(/-/g, '')),
    },
    {
      // Brazilian CPF, written 123.456.789-09; two mod-11 check digits.
      id: 'br_cpf',
      kind: 'national_id',
      marker: MARKERS.national_id,
      re: /(?<![\w.-])\d{3}\.\d{3}\.\d{3}-\d{2}(?![\w-]|\.\d)/g,
      minLength: 14,
      needs: F_SEP,
      minDigits: 11,
      validate: (c) => cpfValid(c.replace(/\D/g, '')),
    },
    {
      // Indian Aadhaar, written as printed: 2345 6789 0123 (spaces only: dashed 4-4-4 numbers are mostly
      // serials and keys); first digit 2-9, Verhoeff check digit.
      id: 'in_aadhaar',
      kind: 'national_id',
      marker: MARKERS.national_id,
      re: /(?<![\w.-]|\d )[2-9]\d{3} \d{4} \d{4}(?![\w]|[ -]\d)/g,
      minLength: 14,
      minDigits: 12,
      validate: (c) => verhoeffValid(c.replace(/\D/g, '')),
    },
  ],
};
