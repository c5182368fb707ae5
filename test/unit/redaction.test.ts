/*
 * The content redaction step (src/core/redaction): check digits, every detector with exact outputs and
 * the near-misses it must leave alone, priorities between kinds, markers never re-redacted, settings
 * (env var and config), custom patterns, the hook and its failures, the JSON walk (copies, cycles,
 * depth, odd values) and properties (never throws, JSON out, idempotent). That the work stays linear on
 * adversarial inputs: redaction-linearity.test.ts.
 */
import { DiagLogLevel, diag, type DiagLogger } from '@opentelemetry/api';
import fc from 'fast-check';
import {
  cardNumberValid,
  cpfValid,
  ibanValid,
  luhnValid,
  ninoPrefixValid,
  spanishIdValid,
  ssnValid,
  verhoeffValid,
} from '../../src/core/redaction/checksums';
import {
  CIRCULAR,
  createRedactor,
  DETECTOR_KINDS,
  DETECTORS,
  DROPPED_MARKER,
  markerFor,
  MARKERS,
  MAX_DEPTH,
  REDACT_ENV,
  type RedactionConfig,
  type RedactionContext,
  resolveDetectorKinds,
  TRUNCATED,
} from '../../src/core/redaction';

interface Captured {
  level: string;
  message: string;
}
let captured: Captured[] = [];
function testLogger(): DiagLogger {
  const at = (level: string) => (message: string) => void captured.push({ level, message });
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug'), verbose: at('verbose') };
}
const warnings = () => captured.filter((c) => c.level === 'warn' || c.level === 'error').map((c) => c.message);

beforeEach(() => {
  diag.disable();
  diag.setLogger(testLogger(), { logLevel: DiagLogLevel.ALL, suppressOverrideMessage: true });
  captured = [];
});
afterEach(() => diag.disable());

const NO_ENV = {};
const CTX: RedactionContext = { field: 'input.messages' };
const { secrets: SECRET, cards: CARD, email: EMAIL, phone: PHONE, ip: IP, national_id: NATIONAL_ID, iban: IBAN } = MARKERS;

/** A redactor with only the given detector kinds. */
const only = (...detectors: string[]) => createRedactor({ detectors }, NO_ENV);
const redact = (detectors: string[] | 'all', text: string) =>
  createRedactor({ detectors }, NO_ENV).redactString(text, CTX);

describe('check digits and number rules', () => {
  it('Luhn', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('79927398713')).toBe(true); // the textbook example
    expect(luhnValid('7992739871x')).toBe(false);
  });

  it('cards need a known issuer prefix and length as well as Luhn', () => {
    for (const n of [
      '4111111111111111', // Visa 16
      '5555555555554444', // Mastercard
      '2223003122003222', // Mastercard 2-series
      '378282246310005', // Amex
      '6011111111111117', // Discover
      '3530111333300000', // JCB
      '30569309025904', // Diners 14
      '6200000000000005', // UnionPay
    ]) {
      expect([n, cardNumberValid(n)]).toEqual([n, true]);
    }
    expect(cardNumberValid('4111111111111112')).toBe(false); // Luhn
    expect(cardNumberValid('9999999999999995')).toBe(false); // Luhn ok, no issuer starts with 9
    expect(cardNumberValid('356938035643809')).toBe(false); // an IMEI: Luhn ok, 35 is JCB but JCB has 16-19 digits
    expect(cardNumberValid('41111111111111')).toBe(false); // Visa has no 14-digit numbers
    expect(cardNumberValid('4222222222222')).toBe(false); // 13-digit Visa: left out (EAN-13 barcodes)
    expect(cardNumberValid('4006381333931')).toBe(false); // an EAN-13 barcode
    expect(cardNumberValid('37828224631000')).toBe(false); // Amex is 15 digits
  });

  it('IBAN mod 97 and country length', () => {
    expect(ibanValid('DE89370400440532013000')).toBe(true);
    expect(ibanValid('GB82WEST12345698765432')).toBe(true);
    expect(ibanValid('NL91ABNA0417164300')).toBe(true);
    expect(ibanValid('FR1420041010050500013M02606')).toBe(true);
    expect(ibanValid('DE89370400440532013001')).toBe(false); // check digits
    expect(ibanValid('DE8937040044053201300')).toBe(false); // DE is 22 long
    expect(ibanValid('XX89370400440532013000')).toBe(false); // no such country
  });

  it('US SSN area, group and serial rules', () => {
    expect(ssnValid('123', '45', '6789')).toBe(true);
    expect(ssnValid('000', '45', '6789')).toBe(false);
    expect(ssnValid('666', '45', '6789')).toBe(false);
    expect(ssnValid('900', '45', '6789')).toBe(false);
    expect(ssnValid('123', '00', '6789')).toBe(false);
    expect(ssnValid('123', '45', '0000')).toBe(false);
  });

  it('UK NINO prefixes, Spanish DNI/NIE letters, Brazilian CPF, Verhoeff', () => {
    expect(ninoPrefixValid('AB')).toBe(true);
    for (const p of ['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ']) expect(ninoPrefixValid(p)).toBe(false);
    expect(spanishIdValid('12345678Z')).toBe(true);
    expect(spanishIdValid('12345678A')).toBe(false);
    expect(spanishIdValid('X1234567L')).toBe(true);
    expect(spanishIdValid('X1234567A')).toBe(false);
    expect(cpfValid('11144477735')).toBe(true);
    expect(cpfValid('52998224725')).toBe(true);
    expect(cpfValid('11144477736')).toBe(false);
    expect(cpfValid('11111111111')).toBe(false);
    expect(verhoeffValid('2363')).toBe(true); // the textbook example: 236 has check digit 3
    expect(verhoeffValid('2364')).toBe(false);
  });
});

describe('secrets', () => {
  const cases: Array<[string, string]> = [
    ['key sk-proj-AbC123def456GHI789jkl012MNO345 ok', `key ${SECRET} ok`],
    ['sk-4eC39HqLyjWDarjtT1zdp7dcAbCdEfGhIjKlMnOpQrStUvWx', SECRET],
    ['sk-ant-api03-Xy7_abcdefGHIJKL0123456789abcdefGHIJKL0123456789-abcdefgh.', `${SECRET}.`],
    ['OpenRouter sk-or-v1-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', `OpenRouter ${SECRET}`],
    ['id AKIAIOSFODNN7EXAMPLE, session ASIAY34FZKBOKMUTVV7A', `id ${SECRET}, session ${SECRET}`],
    ['aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', `aws_secret_access_key = ${SECRET}`],
    ['"SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"', `"SecretAccessKey": "${SECRET}"`],
    ['ghp_16C7e42F292c6912E7710c838347Ae178B4a and gho_16C7e42F292c6912E7710c838347Ae178B4a', `${SECRET} and ${SECRET}`],
    ['github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789', SECRET],
    ['slack xoxb-2048-123456789012-AbCdEfGhIjKlMnOp', `slack ${SECRET}`],
    ['stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc and rk_live_51HqLyjWDarjtT1zdp7dcXYZ', `stripe ${SECRET} and ${SECRET}`],
    ['test mode sk_test_4eC39HqLyjWDarjtT1zdp7dc', `test mode ${SECRET}`],
    ['maps key AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY', `maps key ${SECRET}`],
    ['hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789 / gsk_0123456789abcdefghijABCDEFGHIJ0123456789klmnop', `${SECRET} / ${SECRET}`],
    ['glpat-AbCdEf0123456789xYzW and npm_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789', `${SECRET} and ${SECRET}`],
    ['Authorization: Bearer abc123def456ghi789jkl', `Authorization: Bearer ${SECRET}`],
    ['curl -H "Authorization: bearer AbCdEf.123-456_789~xyz=="', `curl -H "Authorization: bearer ${SECRET}"`],
    ['Authorization: Basic dXNlcjpwYXNzd29yZA==', `Authorization: Basic ${SECRET}`],
    [
      'token eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U done',
      `token ${SECRET} done`,
    ],
    [
      'key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB\naFDrBz9vFqU4yK1jzQ==\n-----END RSA PRIVATE KEY-----\nthanks',
      `key:\n${SECRET}\nthanks`,
    ],
    ['-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA (cut off)', SECRET],
    ['-----BEGIN PGP PRIVATE KEY BLOCK-----\nlQOYBF...\n-----END PGP PRIVATE KEY BLOCK-----', SECRET],
    ['db postgres://admin:S3cr3t!@db.example.com:5432/app', `db postgres://admin:${SECRET}@db.example.com:5432/app`],
    ['redis://:hunter2pass@cache:6379', `redis://:${SECRET}@cache:6379`],
    ['https://hooks.slack.com/services/T0123ABCD/B0456EFGH/abcdefghijklmnopqrstuvwx', `https://hooks.slack.com/services/${SECRET}`],
    ['password=hunter22 and "api_key": "a1b2c3d4e5f6"', `password=${SECRET} and "api_key": "${SECRET}"`],
    ["OPENAI_API_KEY='abc123xyz789' client_secret: Zx9!kq", `OPENAI_API_KEY='${SECRET}' client_secret: ${SECRET}`],
    ['DefaultEndpointsProtocol=https;AccountKey=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA==;', `DefaultEndpointsProtocol=https;AccountKey=${SECRET};`],
    ['my password is Summer2024! thanks', `my password is ${SECRET} thanks`],
    ['The PIN was 4821.', `The PIN was ${SECRET}.`],
    ['password is: c0rrect-h0rse', `password is: ${SECRET}`],
    ["my password is 'correct horse battery staple', I think", `my password is '${SECRET}', I think`],
    ['PWD=hunter2/x', `PWD=${SECRET}`],
    // AWS secret access keys after their key id or the word secret, in the layouts AWS prints them in.
    ['AKIAIOSFODNN7EXAMPLE,wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', `${SECRET},${SECRET}`],
    [
      'User name,Password,Access key ID,Secret access key,Console login link\n' +
        'jane,,AKIAIOSFODNN7EXAMPLE,wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY,https://123456789012.signin.aws.amazon.com/console',
      'User name,Password,Access key ID,Secret access key,Console login link\n' +
        `jane,,${SECRET},${SECRET},https://123456789012.signin.aws.amazon.com/console`,
    ],
    [
      '$ aws configure\nAWS Access Key ID [None]: AKIAIOSFODNN7EXAMPLE\nAWS Secret Access Key [None]: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\nDefault region name [None]: us-east-1',
      `$ aws configure\nAWS Access Key ID [None]: ${SECRET}\nAWS Secret Access Key [None]: ${SECRET}\nDefault region name [None]: us-east-1`,
    ],
    ['AWS Secret Access Key [****************EKEY]: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', `AWS Secret Access Key [****************EKEY]: ${SECRET}`],
    ['access key AKIAIOSFODNN7EXAMPLE secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY thanks', `access key ${SECRET} secret ${SECRET} thanks`],
    ['the key id is ASIAY34FZKBOKMUTVV7A and its secret is wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY.', `the key id is ${SECRET} and its secret is ${SECRET}.`],
    ['aws configure set aws_secret_access_key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', `aws configure set aws_secret_access_key ${SECRET}`],
    ['--secret-access-key "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"', `--secret-access-key "${SECRET}"`],
    ['key AKIAABCDEFGHIJKLMNOP has no digit after its prefix', `key ${SECRET} has no digit after its prefix`],
    // A credential whose value is itself a quoted assignment: the quoted value goes, not the name.
    ['credential: DB_PASSWORD="Prodyy4joW_630"', `credential: DB_PASSWORD="${SECRET}"`],
    ["secret: api_key='Zx9kq-77Lm' ok", `secret: api_key='${SECRET}' ok`],
    ['credential: DB_PASS="Prodyy4joW_630"', `credential: DB_PASS="${SECRET}"`],
    // Where the corpus puts them: JSON inside prose (escaped newlines and quotes), a JSON text whose
    // string holds a quoted assignment, HTML, parentheses, values longer than the rules' caps.
    [
      'The tool said {"out":"Access key ID,Secret access key\\nAKIAIOSFODNN7EXAMPLE,wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"} and stopped',
      `The tool said {"out":"Access key ID,Secret access key\\n${SECRET},${SECRET}"} and stopped`,
    ],
    ['{"note":"please check token: REDIS_PASSWORD=\\"iG1az0L5oI\\""}', `{"note":"please check token: REDIS_PASSWORD=\\"${SECRET}\\""}`],
    ['said {"cmd":"export PASSWORD=\\"hunter22x\\""} ok', `said {"cmd":"export PASSWORD=\\"${SECRET}\\""} ok`],
    ['<tr><td>my PIN is 4821</td></tr> (my password is Summer2024!).', `<tr><td>my PIN is ${SECRET}</td></tr> (my password is ${SECRET}).`],
    [`token=${'aB3'.repeat(200)} and Bearer ${'Xy9'.repeat(1000)}.`, `token=${SECRET} and Bearer ${SECRET}.`],
  ];
  it.each(cases)('%j', (input, expected) => {
    expect(redact(['secrets'], input)).toBe(expected);
  });

  const nearMisses = [
    'sk-learn, task-runner, the desk-lamp and sk-this-is-not-a-real-key-at-all',
    'Bearer authentication is supported; send a bearer token in the header.',
    'Reset your password: click the link. password: required. Password: Settings > Security',
    'max_tokens=1024, tokens: 4096, token: 4096, token_count: 12345678, passwordless: true',
    'api_key=YOUR_API_KEY, password=********, OPENAI_API_KEY=$OPENAI_API_KEY, token=${TOKEN}, secret: null',
    'eyJ is just text, and eyJhbGciOiJIUzI1NiJ9 alone is only a header',
    'AKIA is a prefix; AKIAIOSFODNN7 is too short',
    'my password is not working, the pin is bent, the password was reset',
    'https://example.com:8080/path?user=me, ssh git@github.com:org/repo.git',
    // Code: references, names, paths, URLs, types.
    'secret = config.secret_key; token = self.token; password = hash_password(pw); apiKey: string;',
    'PWD=/home/jane OLDPWD=~/src secret: https://vault.example.com/v1/kv key_file=C:\\keys\\dev.pem',
    // 40 characters near "secret" that are not a key: a hex hash, a URL path, an upper-case run, a longer blob.
    'the secret fix is in commit da39a3ee5e6b4b0d3255bfef95601890afd80709',
    'secret recipe at https://example.com/r/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd',
    'secret code DA39A3EE5E6B4B0D3255BFEF95601890AFD80709, Asia Pacific region',
    'secret blob QWxhZGRpbjpvcGVuIHNlc2FtZQ9876QWxhZGRpbjpvcGVu==',
    // A quoted value after a name of its own that is not a credential's.
    'credential: DB_NAME="orders_2024", secret: DB_HOST="db-7.internal"',
  ];
  it.each(nearMisses.map((s) => [s]))('leaves %j alone', (input) => {
    expect(redact(['secrets'], input)).toBe(input);
  });
});

describe('payment cards', () => {
  const cases: Array<[string, string]> = [
    ['card 4111 1111 1111 1111 exp 12/26', `card ${CARD} exp 12/26`],
    ['4111-1111-1111-1111', CARD],
    ['pay with 4111111111111111.', `pay with ${CARD}.`],
    ['mc 5555555555554444, amex 3782 822463 10005, amex 378282246310005', `mc ${CARD}, amex ${CARD}, amex ${CARD}`],
    ['discover 6011 1111 1111 1117 / jcb 3530111333300000 / diners 30569309025904', `discover ${CARD} / jcb ${CARD} / diners ${CARD}`],
    ['card 4111 1111 1111 1111 12 26 cvv 123', `card ${CARD} 12 26 cvv 123`],
    ['qty 2 4111 1111 1111 1111', `qty 2 ${CARD}`],
    // Limitation: a grouped card right after another grouped number is not looked for (it would start
    // inside a longer grouped number, e.g. an IBAN); the first card is caught.
    ['two cards 4111 1111 1111 1111 5555 5555 5555 4444 on file', `two cards ${CARD} 5555 5555 5555 4444 on file`],
    ['(4111111111111111)', `(${CARD})`],
  ];
  it.each(cases)('%j', (input, expected) => {
    expect(redact(['cards'], input)).toBe(expected);
  });

  const nearMisses = [
    'card 4111 1111 1111 1112 fails Luhn, so does 4111111111111112',
    '9999999999999995 passes Luhn but no issuer starts with 9',
    'IMEI 356938035643809, serial SN4111111111111111, ref 12345678901234567890',
    'USPS 9400 1000 0000 0000 0000 00, UPS 1Z999AA10123456784, Amazon order 112-3456789-1234567',
    'order #100234, total $1,299.00, 2024-01-15 10:30, ISBN 978-3-16-148410-0, 3.4111111111111111',
    'phone 415-555-0132, account 1234 5678 9012 3456',
    'IBAN ES65 7808 5385 3385 8284 7123 (its last four groups pass Luhn with a Mastercard prefix)',
    'GB25 HBUK 3048 6144 2862 47 (an IBAN with a typo in its check digits; its digit groups pass Luhn as a Diners card)',
  ];
  it.each(nearMisses.map((s) => [s]))('leaves %j alone', (input) => {
    expect(redact(['cards'], input)).toBe(input);
  });
});

describe('email addresses', () => {
  const cases: Array<[string, string]> = [
    ['mail jane.doe+test@example.co.uk now', `mail ${EMAIL} now`],
    ['<j_smith@mail-server.example.org>', `<${EMAIL}>`],
    ['Contact: A.B@Example.COM.', `Contact: ${EMAIL}.`],
    ['"email":"x1@y.io"', `"email":"${EMAIL}"`],
  ];
  it.each(cases)('%j', (input, expected) => {
    expect(redact(['email'], input)).toBe(expected);
  });
  const nearMisses = ['icon@2x.png and logo@3x.webp', '@support please look', 'npm i react@18.2.0 openai@latest', 'user@localhost', 'a@b'];
  it.each(nearMisses.map((s) => [s]))('leaves %j alone', (input) => {
    expect(redact(['email'], input)).toBe(input);
  });
});

describe('phone numbers', () => {
  const cases: Array<[string, string]> = [
    ['call +44 20 7946 0958 today', `call ${PHONE} today`],
    ['+14155550132', PHONE],
    ['+1 (415) 555-0132, (415) 555-0132, 415.555.0132, 415-555-0132', `${PHONE}, ${PHONE}, ${PHONE}, ${PHONE}`],
    ['1-800-555-0199 or 1 800 555 0199', `${PHONE} or ${PHONE}`],
    ['+33 6 12 34 56 78 / 06 12 34 56 78', `${PHONE} / ${PHONE}`],
    ['UK 020 7946 0958, mobile 07700 900123', `UK ${PHONE}, mobile ${PHONE}`],
    ['DE 030 12345678, AU (02) 9876 5432', `DE ${PHONE}, AU ${PHONE}`],
    ['0044 20 7946 0958', PHONE],
    ['+91 98765 43210, +81 3-1234-5678', `${PHONE}, ${PHONE}`],
    ['tel:+4915112345678', `tel:${PHONE}`],
    ['FR 06.12.34.56.78, BE 0470.12.34.56.', `FR ${PHONE}, BE ${PHONE}.`],
    ['DE 030/1234567, 0151 / 12345678, 089/123 456 78', `DE ${PHONE}, ${PHONE}, ${PHONE}`],
    ['UK 07700900123, FR 0612345678, AU 0412345678, DE 015112345678', `UK ${PHONE}, FR ${PHONE}, AU ${PHONE}, DE ${PHONE}`],
    ['"tel:0712345678"', `"tel:${PHONE}"`],
    ['(555) 123-4567, (212) 055-0123 and 555-123-4567', `${PHONE}, ${PHONE} and ${PHONE}`],
  ];
  it.each(cases)('%j', (input, expected) => {
    expect(redact(['phone'], input)).toBe(expected);
  });
  const nearMisses = [
    'on 2024-01-15, 15.01.2024 or 01/15/2024 at 12:30:45',
    'order #415-555-0132 and ticket 100-200-300, 10-20 items, 555-0132',
    'ZIP 02134-1234, +5 points, +20%, 1234567, 3.14159, v1.2.3',
    'price 1,299.00; qty 12 34 56; version 4.15.555.0132',
    'order number 4155550132 and 02079460958 (no separators, no +, no mobile prefix)',
    'ids ?id=0612345678, /orders/0712345678, #0612345678, SO0612345678, 061234567890, 07700900123456',
    'dates 06.12.2024, 06.12.34 and versions 06.12.34.56.78.9, 1.06.12.34.56, page 030/123, 01/2024',
    'order 0612345678, ISBN 0412345678, invoice no. 0712345678, tracking: 07700900123',
    'part code NL31 XIUZ 0916 3788 16 (IBAN-shaped: its digit groups are not a phone number)',
    'serial 0655-4026-3227, part 0052-2191-2965, key 0123-4567-8901-2345',
  ];
  it.each(nearMisses.map((s) => [s]))('leaves %j alone', (input) => {
    expect(redact(['phone'], input)).toBe(input);
  });
});

describe('IP addresses', () => {
  const cases: Array<[string, string]> = [
    ['from 192.168.1.10 and 8.8.8.8.', `from ${IP} and ${IP}.`],
    ['http://10.0.0.5:8080/health and 172.16.254.1/24', `http://${IP}:8080/health and ${IP}/24`],
    ['v6 2001:db8::8a2e:370:7334, fe80::1%eth0', `v6 ${IP}, ${IP}%eth0`],
    ['2001:0db8:85a3:0000:0000:8a2e:0370:7334', IP],
    ['mapped ::ffff:192.0.2.128', `mapped ${IP}`],
    ['I have 5.1.2.3 installed', `I have ${IP} installed`], // a bare dotted quad is an address
    ['My IP is 1.2.8.9; host 10.2.8.9 in the docs', `My IP is ${IP}; host ${IP} in the docs`],
    ['Details:2001:db8::8a2e:370:7334; from:fe80::1:2:3', `Details:${IP}; from:${IP}`],
  ];
  it.each(cases)('%j', (input, expected) => {
    expect(redact(['ip'], input)).toBe(expected);
  });
  const nearMisses = [
    '999.1.1.1, 256.0.0.1, 1.2.3, 1.2.3.4.5, 01.02.03.04',
    // Versions: a dotted quad right after a version word is left alone.
    'version 1.2.3.4, v1.2.3.4, firmware 2.1.0.4, build 4.0.0.1, upgraded to 5.1.2.3, driver 31.0.15.3623',
    // Not someone's address: unspecified, loopback, netmask, broadcast.
    '0.0.0.0, 127.0.0.1, 255.255.255.0, 255.255.255.255, ::1, ::',
    'std::vector, a::b, add::dec, 12:30:45, 10:30, MAC 00:1A:2B:3C:4D:5E, OID 1.3.6.1.4.1',
    // Section numbers: after a word that numbers a part of a text, or followed by the document.
    'see section 1.2.8.9, § 4.1.2.3, clauses 3.1.2.4 and 3.1.2.5, Art. 2.1.1.3, step 1.1.2.4',
    'as 1.2.8.9 of the terms says, and 2.4.1.1 of our refund policy',
  ];
  it.each(nearMisses.map((s) => [s]))('leaves %j alone', (input) => {
    expect(redact(['ip'], input)).toBe(input);
  });
});

describe('national id numbers', () => {
  const cases: Array<[string, string]> = [
    ['SSN 123-45-6789.', `SSN ${NATIONAL_ID}.`],
    ['ssn 078 05 1120', `ssn ${NATIONAL_ID}`],
    ['NINO AB123456C and AB 12 34 56 D', `NINO ${NATIONAL_ID} and ${NATIONAL_ID}`],
    ['DNI 12345678Z, NIE X1234567L', `DNI ${NATIONAL_ID}, NIE ${NATIONAL_ID}`],
    ['CPF 111.444.777-35', `CPF ${NATIONAL_ID}`],
    ['Aadhaar 2363 2363 2360, 4918 3725 4607', `Aadhaar ${NATIONAL_ID}, ${NATIONAL_ID}`],
  ];
  it.each(cases)('%j', (input, expected) => {
    expect(redact(['national_id'], input)).toBe(expected);
  });
  const nearMisses = [
    'SSN-shaped but invalid: 000-12-3456, 666-12-3456, 900-12-3456, 123-00-4567, 123-45-0000',
    'NINO-shaped but invalid: QQ123456C, GB123456A, AB123456E, ab123456c',
    'IBANs are their own kind: DE89370400440532013000, GB82 WEST 1234 5698 7654 32',
    'DNI-shaped but invalid: 12345678A, CPF 111.444.777-36, Aadhaar 2363 2363 2361, serial 2363-2363-2360',
    'dates and codes: 2024-01-15, 12-34-5678, SKU AB-123456-C, ORD-2024-118723',
  ];
  it.each(nearMisses.map((s) => [s]))('leaves %j alone', (input) => {
    expect(redact(['national_id'], input)).toBe(input);
  });
});

describe('IBANs (bank account numbers)', () => {
  const cases: Array<[string, string]> = [
    ['IBAN DE89370400440532013000 or DE89 3704 0044 0532 0130 00.', `IBAN ${IBAN} or ${IBAN}.`],
    ['GB82 WEST 1234 5698 7654 32 OK', `${IBAN} OK`],
    ['NL91ABNA0417164300, FR1420041010050500013M02606', `${IBAN}, ${IBAN}`],
    ['refund to GB24 HBUK 3048 6144 2862 47 please', `refund to ${IBAN} please`],
  ];
  it.each(cases)('%j', (input, expected) => {
    expect(redact(['iban'], input)).toBe(expected);
  });
  const nearMisses = [
    'IBAN-shaped but invalid: DE89370400440532013001, DE89 3704 0044 0532 0130 01',
    'wrong length or country: DE8937040044053201300, QQ89370400440532013000, SKU AB12 CDEF 3456 7890',
  ];
  it.each(nearMisses.map((s) => [s]))('leaves %j alone', (input) => {
    expect(redact(['iban'], input)).toBe(input);
  });

  it('the digit groups of a printed IBAN are never taken for a card, with or without the IBAN detector', () => {
    const text = 'refund to GB24 HBUK 3048 6144 2862 47, or to ES65 7808 5385 3385 8284 7123, card 4111 1111 1111 1111';
    expect(redact(['cards'], text)).toBe(`refund to GB24 HBUK 3048 6144 2862 47, or to ES65 7808 5385 3385 8284 7123, card ${CARD}`);
    expect(createRedactor(undefined, NO_ENV).redactString(text, CTX)).toBe(`refund to ${IBAN}, or to ${IBAN}, card ${CARD}`);
    expect(redact('all', text)).toBe(`refund to ${IBAN}, or to ${IBAN}, card ${CARD}`);
  });
});

describe('all detectors together', () => {
  it('a JWT after Bearer is one secret; an email after a URL password is left to the secret', () => {
    expect(redact('all', 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln')).toBe(`Authorization: Bearer ${SECRET}`);
    expect(redact('all', 'smtp://mailer:pa55word@smtp.example.com:587')).toBe(`smtp://mailer:${SECRET}@smtp.example.com:587`);
  });

  it('kinds in priority order: a card is a card (not a phone), an SSN an id (not a phone)', () => {
    expect(redact('all', 'card 4111 1111 1111 1111, SSN 078-05-1120, call 415-555-0132')).toBe(
      `card ${CARD}, SSN ${NATIONAL_ID}, call ${PHONE}`,
    );
  });

  it('a realistic message with one of each', () => {
    const input =
      'Hi, I am Jane (jane.doe@example.com, +1 415-555-0132). My card 5555 5555 5555 4444 was charged twice ' +
      'from IP 203.0.113.7; my SSN is 123-45-6789 and our key is sk-proj-AbC123def456GHI789jkl012MNO345.';
    expect(redact('all', input)).toBe(
      `Hi, I am Jane (${EMAIL}, ${PHONE}). My card ${CARD} was charged twice ` +
        `from IP ${IP}; my SSN is ${NATIONAL_ID} and our key is ${SECRET}.`,
    );
  });

  it('markers are never re-redacted: redacting twice changes nothing', () => {
    const once = redact('all', 'jane@example.com 4111111111111111 password=hunter22 [REDACTED:EMAIL] [REDACTED]');
    expect(once).toBe(`${EMAIL} ${CARD} password=${SECRET} [REDACTED:EMAIL] [REDACTED]`);
    expect(redact('all', once)).toBe(once);
  });

  it('every detector has rules, every kind a detector', () => {
    expect(DETECTORS.map((d) => d.kind)).toEqual(DETECTOR_KINDS);
    for (const d of DETECTORS) for (const r of d.rules) expect(r.re.global).toBe(true);
  });
});

describe('settings: OTEL_INSTRUMENTATION_GENAI_REDACT and redaction.detectors', () => {
  it('default: secrets, IBANs and cards', () => {
    expect(resolveDetectorKinds(undefined, NO_ENV)).toEqual(['secrets', 'iban', 'cards']);
    expect(createRedactor(undefined, NO_ENV).kinds).toEqual(['secrets', 'iban', 'cards']);
    expect(
      createRedactor({}, NO_ENV).redactString(
        'jane@example.com 4111111111111111 sk_live_4eC39HqLyjWDarjtT1zdp7dc GB82 WEST 1234 5698 7654 32',
        CTX,
      ),
    ).toBe(`jane@example.com ${CARD} ${SECRET} ${IBAN}`);
    expect(warnings()).toEqual([]);
  });

  it('config: a list, all, none, an empty list, a comma string; kinds come out in priority order', () => {
    expect(resolveDetectorKinds(['email', 'secrets'], NO_ENV)).toEqual(['secrets', 'email']);
    expect(resolveDetectorKinds('all', NO_ENV)).toEqual(DETECTOR_KINDS);
    expect(resolveDetectorKinds('none', NO_ENV)).toEqual([]);
    expect(resolveDetectorKinds([], NO_ENV)).toEqual([]);
    expect(resolveDetectorKinds('phone, IP', NO_ENV)).toEqual(['ip', 'phone']);
    expect(resolveDetectorKinds(['national-id', ' CARDS '], NO_ENV)).toEqual(['cards', 'national_id']);
    expect(warnings()).toEqual([]);
  });

  it('the env var wins over the config, in any case and spacing', () => {
    const env = { [REDACT_ENV]: ' Email , PHONE,ip ' };
    expect(resolveDetectorKinds(['secrets'], env)).toEqual(['email', 'ip', 'phone']);
    expect(resolveDetectorKinds(undefined, { [REDACT_ENV]: 'all' })).toEqual(DETECTOR_KINDS);
    expect(resolveDetectorKinds(['secrets'], { [REDACT_ENV]: 'none' })).toEqual([]);
    expect(resolveDetectorKinds(undefined, { [REDACT_ENV]: 'secrets,iban,cards,email,phone,ip,national_id' })).toEqual(DETECTOR_KINDS);
    expect(resolveDetectorKinds(undefined, { [REDACT_ENV]: 'IBAN, cards' })).toEqual(['iban', 'cards']);
    expect(warnings()).toEqual([]);
  });

  it('the listed kinds add up: none adds nothing, all adds everything', () => {
    expect(resolveDetectorKinds(undefined, { [REDACT_ENV]: 'none,email' })).toEqual(['email']);
    expect(resolveDetectorKinds(undefined, { [REDACT_ENV]: 'all,none' })).toEqual(DETECTOR_KINDS);
  });

  it('an empty or blank env var is unset', () => {
    expect(resolveDetectorKinds(['ip'], { [REDACT_ENV]: '' })).toEqual(['ip']);
    expect(resolveDetectorKinds(['ip'], { [REDACT_ENV]: '  ' })).toEqual(['ip']);
    expect(warnings()).toEqual([]);
  });

  it('unknown names: one warning each, ignored', () => {
    expect(resolveDetectorKinds(undefined, { [REDACT_ENV]: 'email,emails,ssn,,phone' })).toEqual(['email', 'phone']);
    expect(warnings()).toHaveLength(2);
    expect(warnings()[0]).toContain('"emails"');
    expect(warnings()[1]).toContain('"ssn"');
    expect(warnings()[0]).toContain(REDACT_ENV);
  });

  it('an env var naming nothing valid never turns redaction off: the config (or the default) applies', () => {
    expect(resolveDetectorKinds(['email'], { [REDACT_ENV]: 'sercets' })).toEqual(['email']);
    expect(warnings()).toHaveLength(2); // the name, then the fallback
    captured = [];
    expect(resolveDetectorKinds(undefined, { [REDACT_ENV]: 'nope' })).toEqual(['secrets', 'iban', 'cards']);
    captured = [];
    expect(resolveDetectorKinds(['nope', 42] as unknown as string[], NO_ENV)).toEqual(['secrets', 'iban', 'cards']);
    expect(warnings()).toHaveLength(3);
  });

  it('nothing to do: inactive, and strings come back as they are', () => {
    const r = createRedactor({ detectors: 'none' }, NO_ENV);
    expect(r.active).toBe(false);
    expect(r.redactString('jane@example.com 4111111111111111', CTX)).toBe('jane@example.com 4111111111111111');
    const input = { a: ['x', 1] };
    const out = r.redactContent(input, CTX);
    expect(out).toEqual({ value: { a: ['x', 1] }, dropped: false, count: 0 });
    expect(out.value).not.toBe(input);
  });

  it('the env var selects built-in detectors only: custom patterns and the hook still apply', () => {
    const r = createRedactor(
      { patterns: [{ name: 'ticket', pattern: /TCK-\d+/ }], hook: (v) => v.replace('secret', 's*****') },
      { [REDACT_ENV]: 'none' },
    );
    expect(r.kinds).toEqual([]);
    expect(r.redactString('TCK-123 my secret 4111111111111111', CTX)).toBe('[REDACTED:TICKET] my s***** 4111111111111111');
  });
});

describe('custom patterns', () => {
  it('RegExp (flags kept, g added) and string patterns; default and custom markers', () => {
    const r = createRedactor(
      {
        detectors: 'none',
        patterns: [
          { name: 'employee id', pattern: /emp-\d{5}/i },
          { name: 'project', pattern: 'Project [A-Z][a-z]+', marker: '<project>' },
        ],
      },
      NO_ENV,
    );
    expect(r.redactString('EMP-12345 and emp-67890 work on Project Falcon', CTX)).toBe(
      '[REDACTED:EMPLOYEE_ID] and [REDACTED:EMPLOYEE_ID] work on <project>',
    );
  });

  it('run after the built-in detectors, never inside their markers or existing markers', () => {
    const r = createRedactor({ patterns: [{ name: 'word', pattern: /REDACTED|CARD|\w+@\w+/ }] }, NO_ENV);
    expect(r.redactString('4111111111111111 [REDACTED:CARD] REDACTED', CTX)).toBe(`${CARD} [REDACTED:CARD] [REDACTED:WORD]`);
  });

  it('a marker name is upper case [A-Z0-9_]', () => {
    expect(markerFor('order-id')).toBe('[REDACTED:ORDER_ID]');
    expect(markerFor(' Ünïcode name! ')).toBe('[REDACTED:N_CODE_NAME]');
    expect(markerFor('***')).toBe('[REDACTED:CUSTOM]');
  });

  it('an unusable pattern: one warning, skipped; the others still apply', () => {
    const r = createRedactor(
      {
        detectors: 'none',
        patterns: [
          { name: 'bad', pattern: '([unclosed' },
          { name: 'num', pattern: 42 } as unknown as { name: string; pattern: string },
          { name: 'ok', pattern: /ok/ },
        ],
      },
      NO_ENV,
    );
    expect(warnings()).toHaveLength(2);
    expect(warnings()[0]).toContain('"bad"');
    expect(r.redactString('ok', CTX)).toBe('[REDACTED:OK]');
  });

  it('a pattern that can match the empty string does not loop', () => {
    const r = createRedactor({ detectors: 'none', patterns: [{ name: 'x', pattern: /x*/ }] }, NO_ENV);
    expect(r.redactString('axxb', CTX)).toBe('a[REDACTED:X]b');
  });
});

describe('the hook', () => {
  it('sees each string after the detectors, with the context; a change counts once', () => {
    const seen: Array<[string, RedactionContext]> = [];
    const r = createRedactor(
      {
        hook: (value, context) => {
          seen.push([value, context]);
          return value.replace(/Acme Corp/g, '[REDACTED:ORG]');
        },
      },
      NO_ENV,
    );
    const ctx: RedactionContext = { field: 'tool.call.arguments' };
    const out = r.redactContent({ note: 'Acme Corp card 4111111111111111', n: 1, other: 'fine' }, ctx);
    expect(out).toEqual({ value: { note: `[REDACTED:ORG] card ${CARD}`, n: 1, other: 'fine' }, dropped: false, count: 2 });
    expect(seen).toEqual([
      [`Acme Corp card ${CARD}`, ctx],
      ['fine', ctx],
    ]);
  });

  it('a throwing hook drops the whole piece (value undefined) with one warning naming the error, not the content', () => {
    const r = createRedactor(
      {
        hook: (value) => {
          if (value.includes('boom')) throw new TypeError('cannot handle this one');
          return value;
        },
      },
      NO_ENV,
    );
    const out = r.redactContent([{ content: 'private text about Jane' }, { content: 'boom' }], { field: 'output.messages' });
    expect(out).toEqual({ value: undefined, dropped: true, count: 0 });
    expect(warnings()).toEqual([
      'opentelemetry-instrumentation-genai: the redaction hook failed on output.messages (threw TypeError); that content was dropped.',
    ]);
    // The redactor still works for the next piece.
    expect(r.redactContent(['ok'], CTX)).toEqual({ value: ['ok'], dropped: false, count: 0 });
  });

  it('an error whose message quotes the content (a JSON.parse SyntaxError) is named by its class only', () => {
    const r = createRedactor({ hook: (value) => JSON.stringify(JSON.parse(value)) }, NO_ENV);
    r.redactContent('Jane Doe lives at 12 Elm St', CTX);
    let parseMessage = '';
    try {
      JSON.parse('Jane Doe lives at 12 Elm St');
    } catch (error) {
      parseMessage = (error as Error).message;
    }
    expect(parseMessage).toContain('Jane Doe'); // what the old warning would have quoted
    expect(warnings()).toEqual([
      `opentelemetry-instrumentation-genai: the redaction hook failed on ${CTX.field} (threw SyntaxError); that content was dropped.`,
    ]);
  });

  it('a hook returning a non-string drops the piece too; thrown non-errors are described by type', () => {
    const r1 = createRedactor({ hook: () => undefined as unknown as string }, NO_ENV);
    expect(r1.redactContent({ a: 'x' }, CTX)).toEqual({ value: undefined, dropped: true, count: 0 });
    expect(warnings()[0]).toContain('returned undefined, not a string');
    const r2 = createRedactor(
      {
        hook: () => {
          throw 'the content itself';
        },
      },
      NO_ENV,
    );
    r2.redactContent('x', CTX);
    expect(warnings()[1]).toContain('threw string');
    expect(warnings()[1]).not.toContain('the content itself');
  });

  it('redactString: a failed hook yields [REDACTED] and marks the tally dropped', () => {
    const r = createRedactor(
      {
        hook: () => {
          throw new Error('no');
        },
      },
      NO_ENV,
    );
    const tally = { count: 0, dropped: false };
    expect(r.redactString('jane 4111111111111111', CTX, tally)).toBe(DROPPED_MARKER);
    expect(tally.dropped).toBe(true);
  });

  it('a hook that is not a function: one warning, ignored', () => {
    const r = createRedactor({ hook: 'nope' } as unknown as RedactionConfig, NO_ENV);
    expect(warnings()).toHaveLength(1);
    expect(r.redactString('4111111111111111', CTX)).toBe(CARD);
  });
});

describe('redactContent: the walk', () => {
  const all = () => createRedactor({ detectors: 'all' }, NO_ENV);

  it('redacts string values at any depth, never keys; keeps numbers (but card numbers), booleans and null; counts', () => {
    const input = {
      'jane@example.com': 'key stays',
      parts: [{ type: 'text', content: 'mail jane@example.com or call +44 20 7946 0958' }],
      nested: { deeper: [[{ card: '4111111111111111' }]], ok: true, none: null },
      numbers: [4111111111111111, 4111111111111112, 1234567890123, 415, 3.14, -1, 1e21],
    };
    expect(all().redactContent(input, CTX)).toEqual({
      value: {
        'jane@example.com': 'key stays',
        parts: [{ type: 'text', content: `mail ${EMAIL} or call ${PHONE}` }],
        nested: { deeper: [[{ card: CARD }]], ok: true, none: null },
        numbers: [CARD, 4111111111111112, 1234567890123, 415, 3.14, -1, 1e21],
      },
      dropped: false,
      count: 4,
    });
  });

  it('the hook sees strings only, not numbers', () => {
    const seen: string[] = [];
    const r = createRedactor({ hook: (v) => (seen.push(v), v) }, NO_ENV);
    expect(r.redactContent({ n: 4111111111111111, m: 5, s: 'x' }, CTX).value).toEqual({ n: CARD, m: 5, s: 'x' });
    expect(seen).toEqual(['x']);
  });

  it('never mutates the input and returns new objects', () => {
    const input = Object.freeze({
      list: Object.freeze(['4111111111111111', Object.freeze({ email: 'a.b@example.org' })]),
    });
    const before = JSON.stringify(input);
    const out = all().redactContent(input, CTX);
    expect(JSON.stringify(input)).toBe(before);
    expect(out.value).toEqual({ list: [CARD, { email: EMAIL }] });
    expect(out.value).not.toBe(input);
    expect(out.value!.list).not.toBe(input.list);
  });

  it('a top-level string, number or null', () => {
    expect(all().redactContent('ip 10.1.2.3', CTX)).toEqual({ value: `ip ${IP}`, dropped: false, count: 1 });
    expect(all().redactContent(7, CTX)).toEqual({ value: 7, dropped: false, count: 0 });
    expect(all().redactContent(null, CTX)).toEqual({ value: null, dropped: false, count: 0 });
  });

  it('a cycle becomes "[Circular]" where it closes; an object shared twice is copied twice', () => {
    const shared = { email: 'x@example.com' };
    const a: Record<string, unknown> = { shared, again: shared };
    a.self = a;
    a.list = [a, { back: a }];
    expect(all().redactContent(a, CTX).value).toEqual({
      shared: { email: EMAIL },
      again: { email: EMAIL },
      self: CIRCULAR,
      list: [CIRCULAR, { back: CIRCULAR }],
    });
  });

  it(`values nested deeper than ${MAX_DEPTH} levels become "[Truncated]"`, () => {
    let deep: unknown = 'jane@example.com';
    for (let i = 0; i < MAX_DEPTH + 5; i++) deep = [deep];
    let out = all().redactContent(deep, CTX).value;
    let depth = 0;
    while (Array.isArray(out)) {
      out = out[0];
      depth++;
    }
    expect(out).toBe(TRUNCATED);
    expect(depth).toBe(MAX_DEPTH);
  });

  it('mirrors JSON for odd values: toJSON, bigint, functions, symbols, undefined, throwing getters, __proto__', () => {
    const input: Record<string, unknown> = {
      proto: JSON.parse('{"__proto__": "x@y.io"}'),
      when: new Date('2024-01-15T10:30:00Z'),
      big: BigInt('4111111111111111'),
      fn: () => 1,
      sym: Symbol('s'),
      undef: undefined,
      arr: [undefined, () => 1, 'a@b.io'],
      custom: { toJSON: () => ({ email: 'c@d.io' }) },
      broken: {
        toJSON: () => {
          throw new Error('x');
        },
      },
    };
    Object.defineProperty(input, 'getter', {
      enumerable: true,
      get: () => {
        throw new Error('nope');
      },
    });
    const out = all().redactContent(input, CTX);
    expect(out.dropped).toBe(false);
    expect(JSON.parse(JSON.stringify(out.value))).toEqual({
      when: '2024-01-15T10:30:00.000Z',
      big: CARD,
      arr: [null, null, EMAIL],
      custom: { email: EMAIL },
      broken: null,
      proto: JSON.parse(`{"__proto__": "${EMAIL}"}`),
    });
    expect(Object.getPrototypeOf((out.value as Record<string, object>).proto)).toBe(Object.prototype);
  });

  it('content that throws while being read (a Proxy) is dropped, with a warning naming the error type only', () => {
    const evil = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('secret detail');
        },
      },
    );
    expect(all().redactContent({ a: evil }, CTX)).toEqual({ value: undefined, dropped: true, count: 0 });
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toContain('redacting input.messages failed (Error)');
    expect(warnings()[0]).not.toContain('secret detail');
  });

  it('counts every replacement across the piece', () => {
    const out = all().redactContent(
      { a: 'a@b.io c@d.io', b: ['4111111111111111', 'nothing'], c: { d: '10.0.0.1 and 10.0.0.2' } },
      CTX,
    );
    expect(out.count).toBe(5);
  });
});

describe('strings that hold JSON', () => {
  const r = createRedactor({ detectors: 'all' }, NO_ENV);
  const redactJson = (s: string) => r.redactString(s, { field: 'tool.call.result' });

  it('are redacted value by value: escapes do not hide numbers, card numbers become marker strings', () => {
    const input = JSON.stringify({ note: 'call me\n+44 20 7946 0958\tor\n4111 1111 1111 1111', card: 4111111111111111, n: 7 });
    const out = redactJson(input);
    expect(JSON.parse(out)).toEqual({ note: `call me\n${PHONE}\tor\n${CARD}`, card: CARD, n: 7 });
  });

  it('keys still give context: "password": "..." pairs', () => {
    expect(redactJson('{"user": "jane", "password": "hunter22"}')).toBe('{"user":"jane","password":"[REDACTED:SECRET]"}');
  });

  it('unchanged JSON comes back as it was, formatting included', () => {
    const input = '{\n  "order": "#100234",\n  "total": 1299.5\n}';
    expect(redactJson(input)).toBe(input);
  });

  it('nested JSON strings are redacted too', () => {
    const inner = JSON.stringify({ email: 'jane@example.com' });
    const out = JSON.parse(redactJson(JSON.stringify([inner, 'x']))) as string[];
    expect(JSON.parse(out[0])).toEqual({ email: EMAIL });
    expect(out[1]).toBe('x');
  });

  it('JSON inside prose (never parsed): a value right after an escaped newline, tab or return is still found, every kind', () => {
    // Such text is scanned raw: the escape's letter (the `n` of `\\n`) must not glue onto what follows.
    const values: Array<[string, string]> = [
      ['4111 1111 1111 1111', CARD],
      ['4111111111111111', CARD],
      ['sk-proj-abcdefghij1234567890ABCD', SECRET],
      ['jane.doe@example.com', EMAIL],
      ['+44 20 7946 0958', PHONE],
      ['GB82 WEST 1234 5698 7654 32', IBAN],
      ['AKIAIOSFODNN7EXAMPLE', SECRET],
    ];
    for (const [value, marker] of values) {
      for (const escape of ['\\n', '\\t', '\\r', '\\n\\n']) {
        const prose = `the tool said {"out": "see${escape}${value}"} and stopped`;
        expect({ prose, out: redact('all', prose) }).toEqual({ prose, out: `the tool said {"out": "see${escape}${marker}"} and stopped` });
      }
    }
    // An escaped backslash followed by a letter is that letter: still glued on.
    expect(redact('all', 'path C:\\\\n4111111111111111')).toBe('path C:\\\\n4111111111111111');
  });

  it('text that only looks like JSON is scanned as text', () => {
    expect(redactJson('{not json, card 4111111111111111}')).toBe(`{not json, card ${CARD}}`);
    expect(redactJson('[1, 2')).toBe('[1, 2');
  });
});

describe('properties', () => {
  const r = createRedactor({ detectors: 'all', patterns: [{ name: 'p', pattern: /p\d+/ }] }, NO_ENV);

  /** Strings built from pieces of PII, near-misses and noise, so matches and overlaps actually happen. */
  const pieces = [
    '4111 1111 1111 1111', '4111111111111111', 'jane@example.com', '+44 20 7946 0958', '415-555-0132', '10.0.0.1',
    'fe80::1', '123-45-6789', 'DE89370400440532013000', 'sk-proj-AbC123def456GHI789jkl012MNO345', 'Bearer abc123def456ghi',
    'password=hunter22', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln', '[REDACTED:EMAIL]', '[REDACTED', ' ', '-', ':', '.', '@',
    '1', '2024-01-15', 'v1.2.3.4', 'p12', '\n', '"', '\\', '💳', 'é',
  ];
  const text = fc.array(fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 6 })), { maxLength: 12 }).map((a) => a.join(''));

  it('redactContent never throws and returns JSON-serializable output for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => {
        const out = r.redactContent(value, CTX);
        expect(out.dropped).toBe(false);
        expect(() => JSON.stringify(out.value)).not.toThrow();
        expect(JSON.parse(JSON.stringify(out.value ?? null))).toEqual(JSON.parse(JSON.stringify(out.value ?? null)));
      }),
      { numRuns: 300 },
    );
  });

  it('redactContent never throws for anything at all', () => {
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true, withNullPrototype: true }), (value) => {
        const out = r.redactContent(value, CTX);
        expect(() => JSON.stringify(out.value)).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });

  const markers = (s: string) => s.match(/\[REDACTED:[A-Z_]+\]/g) ?? [];

  it('a second pass never touches a marker; redaction only ever replaces text with markers', () => {
    fc.assert(
      fc.property(text, (s) => {
        const once = r.redactString(s, CTX);
        // Markers of the first pass all survive the second. (It may find more: `4111111111111111+44 20 7946
        // 0958` hides the phone number behind a digit the first time, behind `]` the second.)
        const twice = r.redactString(once, CTX);
        expect(twice.split(/\[REDACTED:[A-Z_]+\]/).join('').length).toBeLessThanOrEqual(once.split(/\[REDACTED:[A-Z_]+\]/).join('').length);
        const left = [...markers(twice)];
        for (const m of markers(once)) {
          const i = left.indexOf(m);
          expect(i).toBeGreaterThanOrEqual(0);
          left.splice(i, 1);
        }
        // Removing the markers from both leaves the kept text in order: nothing else was changed.
        const kept = once.split(/\[REDACTED:[A-Z_]+\]/);
        let at = 0;
        for (const piece of kept) {
          const found = s.indexOf(piece, at);
          expect(found).toBeGreaterThanOrEqual(0);
          at = found + piece.length;
        }
      }),
      { numRuns: 500 },
    );
  });

  it('a secret-keyed number in JSON text becomes a quoted marker, never an unquoted one', () => {
    expect(r.redactString('{"pwD":-5e-324}', { field: 'tool.call.arguments' })).toBe('{"pwD":"[REDACTED:SECRET]"}');
    expect(r.redactString('[{"token": 987654321}]', { field: 'tool.call.arguments' })).toBe('[{"token":"[REDACTED:SECRET]"}]');
    // Every key the rules know × scalar kinds × positions: valid JSON, the other values untouched, the
    // keyed value either kept or exactly the marker.
    const keys = ['pwd', 'password', 'token', 'secret', 'api_key', 'PIN', 'passwd'];
    const scalars = [987654321, -5e-324, 12.5e3, 0, true, false, null, 4111111111111111];
    for (const key of keys) {
      for (const scalar of scalars) {
        const shapes = [{ [key]: scalar }, { a: 'x', [key]: scalar, b: 2 }, [{ n: [1, { [key]: scalar }] }]];
        for (const shape of shapes) {
          const out = JSON.parse(r.redactString(JSON.stringify(shape), { field: 'tool.call.arguments' }));
          const keyed = (v: unknown): unknown => (Array.isArray(v) ? keyed(v[0].n[1]) : v);
          const got = keyed(out) as Record<string, unknown>;
          expect([scalar, '[REDACTED:SECRET]', '[REDACTED:CARD]']).toContainEqual(got[key]);
          if (!Array.isArray(out) && 'a' in shape) expect([out.a, out.b]).toEqual(['x', 2]);
        }
      }
    }
  });

  it('JSON text stays valid JSON after redaction', () => {
    const value = fc.oneof(text, fc.constantFrom(4111111111111111, 5555555555554444, 1234567890123, 7), fc.double());
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 5 }), value, { maxKeys: 4 }), (obj) => {
        const json = JSON.stringify(obj);
        const redacted = r.redactString(json, { field: 'tool.call.arguments' });
        expect(() => JSON.parse(redacted)).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });
});
