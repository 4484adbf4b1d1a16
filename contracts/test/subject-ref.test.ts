import { catalog, ConsentRef, consentRefOf, ContractError, EXAMPLE_CONSENT_REF, parseOrThrow, pseudonymousFields, RecordKeyInPlaceOfSubjectRef, SubjectRef, subjectRefFields, subjectRefOf } from '@lienganh/contracts';

describe('subjectRefOf', () => {
  it('is sr_ and the base64url HMAC-SHA256 (RFC 4231 test case 2), a valid SubjectRef', () => {
    const ref = subjectRefOf('Jefe', 'what do ya want for nothing?');
    expect(ref).toBe('sr_W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM');
    expect(SubjectRef.safeParse(ref).success).toBe(true);
  });

  it('gives the same reference for the same record key and key, another for another key or record', () => {
    const police = Buffer.alloc(32, 1);
    const labour = Buffer.alloc(32, 2);
    expect(subjectRefOf(police, 'HS-2021-0042')).toBe(subjectRefOf(Buffer.from(police), 'HS-2021-0042'));
    expect(subjectRefOf(police, 'HS-2021-0042')).not.toBe(subjectRefOf(labour, 'HS-2021-0042'));
    expect(subjectRefOf(police, 'HS-2021-0042')).not.toBe(subjectRefOf(police, 'HS-2021-0043'));
  });
});

describe('consentRefOf and ConsentRef', () => {
  it('is cr_ and a keyed hash of its own domain: never the subject reference of the same record key', () => {
    const key = Buffer.alloc(32, 1);
    const ref = consentRefOf(key, 'DY-2021-0001');
    expect(ref).toMatch(/^cr_[A-Za-z0-9_-]{43}$/);
    expect(ConsentRef.safeParse(ref).success).toBe(true);
    expect(ref.slice(3)).not.toBe(subjectRefOf(key, 'DY-2021-0001').slice(3));
    expect(consentRefOf('example-key', 'DY-2021-0001')).toBe(EXAMPLE_CONSENT_REF);
  });

  it('refuses a raw consent record key, a phone number or an sr_ in its place', () => {
    for (const raw of ['dy-police-2021-0001', 'DY-2021-0001', '0912345678', subjectRefOf('k', 'HS-1')]) expect(ConsentRef.safeParse(raw).success).toBe(false);
  });

  it('is made at the edge for every consentRef field of the catalog', () => {
    const consentFields = catalog.flatMap((definition) => pseudonymousFields(definition).filter((field) => field.reference === consentRefOf).map((field) => `${definition.type}#${field.field}`));
    expect(consentFields.length).toBeGreaterThanOrEqual(2);
    expect(consentFields.every((entry) => entry.endsWith('#consentRef'))).toBe(true);
  });
});

describe('subjectRefFields', () => {
  it('names exactly the fields of each event type whose example holds an sr_ reference', () => {
    for (const definition of catalog) {
      const expected = Object.entries(definition.example as Record<string, unknown>)
        .filter(([, value]) => typeof value === 'string' && value.startsWith('sr_'))
        .map(([name]) => name);
      expect({ type: definition.type, fields: subjectRefFields(definition) }).toEqual({ type: definition.type, fields: expected });
    }
    expect(catalog.filter((definition) => subjectRefFields(definition).length > 0).length).toBeGreaterThanOrEqual(3);
  });
});

describe('RecordKeyInPlaceOfSubjectRef', () => {
  const issues = (input: unknown) => {
    try {
      parseOrThrow(RecordKeyInPlaceOfSubjectRef, input, 'data.subjectRef');
    } catch (error) {
      if (error instanceof ContractError) return error.issues.map((issue) => issue.path);
      throw error;
    }
    return [];
  };

  it('takes { recordKey } and nothing else, never echoing the value', () => {
    expect(issues({ recordKey: 'HS-2021-0042' })).toEqual([]);
    expect(issues({ recordKey: 'Nguyễn Văn A' })).toEqual(['data.subjectRef.recordKey']);
    expect(issues({ recordKey: 42 })).toEqual(['data.subjectRef.recordKey']);
    expect(issues({})).toEqual(['data.subjectRef.recordKey']);
    expect(issues({ recordKey: 'HS-1', name: 'x' })).toEqual(['data.subjectRef.name']);
  });
});
