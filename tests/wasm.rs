//! The JavaScript bindings (`src/wasm.rs`), tested in WebAssembly, in Node
//! and in headless Chromium from this one file:
//!
//! ```text
//! wasm-pack test --node
//! WASM_BINDGEN_USE_BROWSER=1 wasm-pack test --headless --chrome
//! ```
//!
//! Envelopes sealed by the bindings are opened by the core `Opener` compiled
//! into the same test, and the committed vectors (sealed natively) are
//! opened by the bindings. Natively (`cargo test`), this file only checks
//! that it lists every vector, and holds the test that opens what the npm
//! package sealed in Node (`tests/node/package.test.mjs` runs it).

/// Every `tests/vectors/envelope-*.json`, embedded (wasm has no files).
macro_rules! vectors {
    ($($name:literal),* $(,)?) => {
        const VECTORS: &[(&str, &str)] = &[
            $(($name, include_str!(concat!("vectors/", $name)))),*
        ];
    };
}

vectors!(
    "envelope-bad-ct-body.json",
    "envelope-bad-enc-length.json",
    "envelope-bad-enc-swap.json",
    "envelope-bad-extra-member.json",
    "envelope-bad-form.json",
    "envelope-bad-padded-base64.json",
    "envelope-bad-plaintext-extra-bytes.json",
    "envelope-bad-plaintext-inline-data.json",
    "envelope-bad-plaintext-length.json",
    "envelope-bad-plaintext-short-file.json",
    "envelope-bad-sid.json",
    "envelope-bad-suite-name.json",
    "envelope-bad-suite-swap.json",
    "envelope-bad-tag.json",
    "envelope-bad-truncated.json",
    "envelope-bad-ts.json",
    "envelope-bad-unknown-kid.json",
    "envelope-bad-version-relabel.json",
    "envelope-bad-version.json",
    "envelope-ok-aes256.json",
    "envelope-ok-basic.json",
    "envelope-ok-empty.json",
    "envelope-ok-every-kind.json",
    "envelope-ok-whitespace.json",
    "envelope-v1-ok-aes256.json",
    "envelope-v1-ok-basic.json",
    "envelope-v1-ok-empty.json",
    "envelope-v1-ok-every-kind.json",
    "envelope-v1-ok-whitespace.json",
);

const KEY_JSON: &str = include_str!("vectors/key.json");

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::path::Path;

    use orderseal::{Opener, PrivateKey};
    use serde_json::Value;

    #[test]
    fn wasm_tests_embed_every_committed_vector() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .expect("tests/vectors is readable")
            .map(|e| {
                e.expect("dir entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .filter(|n| n.starts_with("envelope-") && n.ends_with(".json"))
            .collect();
        on_disk.sort();
        let embedded: Vec<&str> = super::VECTORS.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            embedded, on_disk,
            "update the vectors! list in tests/wasm.rs"
        );
    }

    /// Opens every envelope that `tests/node/package.test.mjs` sealed with
    /// the npm package (pkg/node) into `$ORDERSEAL_NODE_SEALED`, each file
    /// `{"envelope": "<json text>", "plaintext": {"fields": ...}}`, with the
    /// native core. Run by that test; ignored otherwise.
    #[test]
    #[ignore = "run by tests/node/package.test.mjs with ORDERSEAL_NODE_SEALED set"]
    fn envelopes_sealed_by_the_npm_package_open_natively() {
        let dir = std::env::var("ORDERSEAL_NODE_SEALED").expect("ORDERSEAL_NODE_SEALED is set");
        let key_json: Value = serde_json::from_str(super::KEY_JSON).expect("key.json");
        let pem = key_json["private_pkcs8_pem"].as_str().expect("PEM");
        let key = PrivateKey::parse(pem.as_bytes(), None).expect("test key parses");
        let mut opened = 0;
        for entry in std::fs::read_dir(&dir).expect("the directory is readable") {
            let path = entry.expect("dir entry").path();
            let case: Value =
                serde_json::from_slice(&std::fs::read(&path).expect("readable")).expect("JSON");
            let envelope = case["envelope"].as_str().expect("envelope text");
            let got = Opener::new(&key)
                .open(envelope.as_bytes())
                .unwrap_or_else(|e| panic!("{}: {}", path.display(), e.code()));
            let doc: Value = serde_json::from_slice(&got.fields.to_document().expect("serializes"))
                .expect("JSON");
            assert_eq!(doc, case["plaintext"], "{}", path.display());
            opened += 1;
        }
        assert!(opened > 0, "no envelopes in {dir}");
        println!("opened {opened} envelopes sealed by the npm package");
    }
}

#[cfg(target_arch = "wasm32")]
mod wasm {
    use js_sys::{Array, Map, Object, Reflect, Uint8Array, JSON};
    use orderseal::wasm::{check_files_size, error_codes, self_test, version, JsOpener, JsSealer};
    use orderseal::{b64, Error, FieldValue, Fields, FileValue, Opener, PrivateKey, PublicKey};
    use serde_json::{json, Value};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::{KEY_JSON, VECTORS};

    const RSA_PUB: &str = include_str!("keys/rsa.pub.pem");
    const P384_PUB: &str = include_str!("keys/p384.pub.pem");
    const K256_PUB: &str = include_str!("keys/secp256k1.pub.pem");
    const ED25519_PUB: &str = include_str!("keys/ed25519.pub.pem");
    const P256_PRIVATE: &str = include_str!("keys/p256-pkcs8.pem");
    const P256_SCRYPT: &str = include_str!("keys/p256-pkcs8-scrypt.pem");
    const PASS: &str = "orderseal-test";

    fn key_json() -> Value {
        serde_json::from_str(KEY_JSON).expect("key.json is JSON")
    }

    fn test_key() -> PrivateKey {
        let pem = key_json()["private_pkcs8_pem"]
            .as_str()
            .expect("PEM")
            .to_owned();
        PrivateKey::parse(pem.as_bytes(), None).expect("the test key parses")
    }

    fn kid() -> String {
        key_json()["kid"].as_str().expect("kid").to_owned()
    }

    fn js(text: &str) -> JsValue {
        JSON::parse(text).expect("valid JSON")
    }

    fn jwk_object() -> JsValue {
        js(&key_json()["public_jwk"].to_string())
    }

    fn get(target: &JsValue, key: &str) -> JsValue {
        Reflect::get(target, &JsValue::from_str(key)).expect("readable")
    }

    fn string(target: &JsValue, key: &str) -> String {
        get(target, key).as_string().unwrap_or_default()
    }

    /// The `code` of a thrown error, or "ok".
    fn code<T>(result: Result<T, JsValue>) -> String {
        match result {
            Ok(_) => "ok".into(),
            Err(e) => string(&e, "code"),
        }
    }

    fn form(id: &str) -> JsValue {
        let o = Object::new();
        Reflect::set(&o, &"formId".into(), &id.into()).expect("settable");
        o.into()
    }

    fn no_options() -> JsValue {
        JsValue::UNDEFINED
    }

    fn sealer() -> JsSealer {
        JsSealer::new(&jwk_object(), &no_options()).expect("the test key makes a sealer")
    }

    fn opener() -> JsOpener {
        let mut opener = JsOpener::new().expect("opener");
        let pem = key_json()["private_pkcs8_pem"]
            .as_str()
            .expect("PEM")
            .to_owned();
        opener.add_key(&pem.into(), None).expect("test key");
        opener
    }

    /// Opened fields (JS) as the plaintext document's JSON: file data back
    /// to base64url.
    fn to_json(value: &JsValue) -> Value {
        if let Some(s) = value.as_string() {
            return Value::String(s);
        }
        if let Some(a) = value.dyn_ref::<Array>() {
            return Value::Array(a.iter().map(|v| to_json(&v)).collect());
        }
        if let Some(bytes) = value.dyn_ref::<Uint8Array>() {
            return Value::String(b64::encode(&bytes.to_vec()));
        }
        let mut map = serde_json::Map::new();
        for entry in Object::entries(value.unchecked_ref::<Object>()).iter() {
            let entry: Array = entry.unchecked_into();
            map.insert(
                entry.get(0).as_string().expect("key"),
                to_json(&entry.get(1)),
            );
        }
        Value::Object(map)
    }

    fn sample_fields() -> (JsValue, Fields) {
        let js_fields = js(r#"{"product":"Engraved pen","colors":["red","blue"],
                               "none":[],"note":"Zoë 王 🖋\nline two"}"#);
        let mut fields = Fields::new();
        fields
            .push("product", FieldValue::text("Engraved pen"))
            .expect("ok");
        fields
            .push(
                "colors",
                FieldValue::List(vec!["red".into(), "blue".into()]),
            )
            .expect("ok");
        fields.push("none", FieldValue::List(vec![])).expect("ok");
        fields
            .push("note", FieldValue::text("Zoë 王 🖋\nline two"))
            .expect("ok");
        (js_fields, fields)
    }

    // --- self-test, codes ---------------------------------------------------

    #[wasm_bindgen_test]
    fn self_test_passes_in_wasm() {
        assert_eq!(code(self_test()), "ok");
        // Cached: a second call gives the same answer.
        assert_eq!(code(self_test()), "ok");
        assert_eq!(version(), env!("CARGO_PKG_VERSION"));
    }

    #[wasm_bindgen_test]
    fn error_codes_are_exactly_the_core_codes() {
        assert_eq!(error_codes(), Error::CODES);
    }

    // --- sealing in wasm, opening natively -------------------------------------

    #[wasm_bindgen_test]
    fn envelope_sealed_by_the_bindings_opens_with_the_core_opener() {
        let (js_fields, fields) = sample_fields();
        let sealed = sealer().seal(&js_fields, &form("order")).expect("seals");
        let json = string(&sealed, "json");
        let opened = Opener::new(&test_key())
            .open(json.as_bytes())
            .expect("opens natively");
        assert_eq!(opened.fields, fields);
        assert_eq!(opened.header.form, "order");
        assert_eq!(opened.header.kid.as_str(), kid());
        // The object form is the same envelope, and the submission id its sid.
        let envelope = get(&sealed, "envelope");
        assert_eq!(
            JSON::stringify(&envelope).expect("stringifies").as_string(),
            Some(json.clone())
        );
        assert_eq!(
            string(&sealed, "submissionId"),
            opened.header.submission_id()
        );
        // Stamped with the clock: after this test was written.
        assert!(opened.header.ts > 1_764_000_000);
    }

    #[wasm_bindgen_test]
    fn two_seals_of_the_same_form_differ() {
        let (js_fields, _) = sample_fields();
        let s = sealer();
        let a = string(&s.seal(&js_fields, &form("order")).expect("seals"), "json");
        let b = string(&s.seal(&js_fields, &form("order")).expect("seals"), "json");
        assert_ne!(a, b);
    }

    #[wasm_bindgen_test]
    fn files_as_bytes_buffers_and_base64url_all_seal() {
        let data: &[u8] = b"%PDF-1.7\n\xe2\xe3\xcf\xd3";
        let fields = Map::new();
        let file = |name: &str, data: JsValue| {
            let f = Object::new();
            Reflect::set(&f, &"name".into(), &name.into()).expect("set");
            Reflect::set(&f, &"type".into(), &"application/pdf".into()).expect("set");
            Reflect::set(&f, &"data".into(), &data).expect("set");
            JsValue::from(f)
        };
        let bytes: JsValue = Uint8Array::new_from_slice(data).into();
        let buffer: JsValue = Uint8Array::new_from_slice(data).buffer().into();
        let text: JsValue = b64::encode(data).into();
        fields.set(&"po".into(), &file("po.pdf", bytes));
        fields.set(
            &"more".into(),
            &Array::of2(&file("a.pdf", buffer), &file("b.pdf", text)).into(),
        );
        let sealed = sealer()
            .seal(&fields.into(), &form("order"))
            .expect("seals");
        let opened = Opener::new(&test_key())
            .open(string(&sealed, "json").as_bytes())
            .expect("opens");
        let pdf = |name: &str| FileValue {
            name: name.into(),
            media_type: "application/pdf".into(),
            data: data.to_vec(),
        };
        assert_eq!(
            opened.fields.get("po"),
            Some(&FieldValue::File(pdf("po.pdf")))
        );
        assert_eq!(
            opened.fields.get("more"),
            Some(&FieldValue::Files(vec![pdf("a.pdf"), pdf("b.pdf")]))
        );
    }

    #[wasm_bindgen_test]
    fn a_map_keeps_field_order_and_any_name() {
        let fields = Map::new();
        fields.set(&"2".into(), &"second".into());
        fields.set(&"__proto__".into(), &"not a prototype".into());
        fields.set(&"1".into(), &"third".into());
        let sealed = sealer()
            .seal(&fields.into(), &form("order"))
            .expect("seals");
        let json = string(&sealed, "json");
        let opened = Opener::new(&test_key())
            .open(json.as_bytes())
            .expect("opens");
        let names: Vec<&str> = opened.fields.iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["2", "__proto__", "1"]);
        // And back in JS, `__proto__` is an own field, not the prototype.
        let back = opener().open(&json.into()).expect("opens in wasm");
        let fields = get(&back, "fields");
        let own = Object::get_own_property_descriptor(
            fields.unchecked_ref::<Object>(),
            &"__proto__".into(),
        );
        assert_eq!(string(&own, "value"), "not a prototype");
    }

    // --- opening in wasm what the native core sealed ------------------------------

    #[wasm_bindgen_test]
    fn every_committed_vector_opens_or_fails_as_expected_in_wasm() {
        let opener = opener();
        for (name, text) in VECTORS {
            let case: Value = serde_json::from_str(text).expect("vector is JSON");
            let envelope = case["envelope"].as_str().expect("envelope text").to_owned();
            let expect = case["expect"].as_str().expect("expect");
            let result = opener.open(&envelope.into());
            match (expect, result) {
                ("ok", Ok(opened)) => {
                    let got = json!({ "fields": to_json(&get(&opened, "fields")) });
                    assert_eq!(got, case["plaintext"], "{name}: plaintext");
                    assert_eq!(string(&opened, "kid"), kid(), "{name}");
                    let v = if name.starts_with("envelope-v1-") {
                        1.0
                    } else {
                        2.0
                    };
                    assert_eq!(get(&opened, "v").as_f64(), Some(v), "{name}");
                }
                ("ok", Err(e)) => assert_eq!(string(&e, "code"), "ok", "{name}: expected to open"),
                (want, result) => assert_eq!(code(result), want, "{name}"),
            }
        }
    }

    #[wasm_bindgen_test]
    fn natively_sealed_envelope_opens_in_wasm_with_files_as_bytes() {
        let key = test_key();
        let mut fields = Fields::new();
        fields
            .push(
                "po",
                FieldValue::File(FileValue {
                    name: "po.pdf".into(),
                    media_type: "application/pdf".into(),
                    data: vec![0, 1, 2, 255],
                }),
            )
            .expect("ok");
        let json = orderseal::Sealer::new(key.public_key())
            .seal_at("order", &fields, 1_764_057_600)
            .expect("seals")
            .to_json();
        let opened = opener().open(&Uint8Array::new_from_slice(json.as_bytes()).into());
        let opened = opened.expect("opens from bytes too");
        assert_eq!(get(&opened, "ts").as_f64(), Some(1_764_057_600.0));
        let po = get(&get(&opened, "fields"), "po");
        assert_eq!(string(&po, "name"), "po.pdf");
        assert_eq!(string(&po, "type"), "application/pdf");
        let data: Uint8Array = get(&po, "data").dyn_into().expect("a Uint8Array");
        assert_eq!(data.to_vec(), [0, 1, 2, 255]);
    }

    // --- key formats, pinning -----------------------------------------------------

    #[wasm_bindgen_test]
    fn every_public_key_format_gives_the_same_key() {
        let k = key_json();
        let pem = k["public_spki_pem"].as_str().expect("PEM");
        let sec1_hex = k["public_sec1_hex"].as_str().expect("hex");
        let public = PublicKey::parse(sec1_hex.as_bytes()).expect("hex parses natively");
        let sec1 = public.to_sec1_uncompressed();
        let inputs: Vec<(&str, JsValue)> = vec![
            ("JWK object", jwk_object()),
            ("JWK text", k["public_jwk"].to_string().into()),
            ("SPKI PEM", pem.into()),
            ("SEC1 hex", sec1_hex.into()),
            ("SEC1 base64url", b64::encode(&sec1).into()),
            ("SEC1 bytes", Uint8Array::new_from_slice(&sec1).into()),
            (
                "SEC1 ArrayBuffer",
                Uint8Array::new_from_slice(&sec1).buffer().into(),
            ),
            (
                "SPKI DER",
                Uint8Array::new_from_slice(&public.to_spki_der()).into(),
            ),
        ];
        for (what, input) in inputs {
            let s = match JsSealer::new(&input, &no_options()) {
                Ok(s) => s,
                Err(e) => {
                    assert_eq!(string(&e, "code"), "ok", "{what}");
                    continue;
                }
            };
            assert_eq!(s.key_id(), kid(), "{what}");
            assert_eq!(
                s.fingerprint(),
                k["fingerprint"].as_str().expect("fp"),
                "{what}"
            );
        }
    }

    #[wasm_bindgen_test]
    fn a_pinned_key_id_accepts_its_key_only() {
        let pin = |kid: &str| {
            let o = Object::new();
            Reflect::set(&o, &"expectedKeyId".into(), &kid.into()).expect("set");
            JsValue::from(o)
        };
        assert_eq!(code(JsSealer::new(&jwk_object(), &pin(&kid()))), "ok");
        let wrong = JsSealer::new(&jwk_object(), &pin("0123456789abcdef"));
        let err = wrong.err().unwrap_or(JsValue::UNDEFINED);
        assert_eq!(string(&err, "code"), "kid_mismatch");
        assert!(
            string(&err, "message").contains(&kid()),
            "names the actual key id"
        );
        // An id that is no id at all is not a mismatch.
        assert_eq!(
            code(JsSealer::new(&jwk_object(), &pin("A879 6135"))),
            "key_malformed"
        );
        // A pin that is not text.
        let bad = Object::new();
        Reflect::set(&bad, &"expectedKeyId".into(), &5.into()).expect("set");
        assert_eq!(
            code(JsSealer::new(&jwk_object(), &bad.into())),
            "key_malformed"
        );
    }

    #[wasm_bindgen_test]
    fn bad_keys_give_their_codes() {
        let jwk = |text: &str| js(text);
        let cases: Vec<(&str, JsValue, &str)> = vec![
            ("RSA", RSA_PUB.into(), "key_unsupported"),
            ("Ed25519", ED25519_PUB.into(), "key_unsupported"),
            ("P-384", P384_PUB.into(), "key_wrong_curve"),
            ("secp256k1", K256_PUB.into(), "key_wrong_curve"),
            ("a private key", P256_PRIVATE.into(), "key_malformed"),
            ("garbage text", "not a key".into(), "key_malformed"),
            (
                "empty bytes",
                Uint8Array::new_from_slice(&[]).into(),
                "key_malformed",
            ),
            ("a number", JsValue::from(5), "key_malformed"),
            ("undefined", JsValue::UNDEFINED, "key_malformed"),
            ("null", JsValue::NULL, "key_malformed"),
            ("an empty object", Object::new().into(), "key_malformed"),
            (
                "JWK on P-384",
                jwk(r#"{"kty":"EC","crv":"P-384","x":"AA","y":"AA"}"#),
                "key_wrong_curve",
            ),
            (
                "RSA JWK",
                jwk(r#"{"kty":"RSA","n":"AQAB","e":"AQAB"}"#),
                "key_unsupported",
            ),
            (
                "JWK off the curve",
                jwk(&format!(
                    r#"{{"kty":"EC","crv":"P-256","x":"{z}","y":"{z}"}}"#,
                    z = b64::encode(&[0; 32])
                )),
                "key_not_on_curve",
            ),
            (
                "the point in an Int8Array (bytes are Uint8Array or ArrayBuffer)",
                js_sys::Int8Array::new_with_length(65).into(),
                "key_malformed",
            ),
            (
                "a private JWK object",
                jwk(&format!(
                    r#"{{"kty":"EC","crv":"P-256","x":"{z}","y":"{z}","d":"{z}"}}"#,
                    z = b64::encode(&[1; 32])
                )),
                "key_malformed",
            ),
            (
                "a JWK object whose x is a number",
                jwk(r#"{"kty":"EC","crv":"P-256","x":5,"y":"AA"}"#),
                "key_malformed",
            ),
            (
                "the point at infinity",
                Uint8Array::new_from_slice(&[0]).into(),
                "key_identity",
            ),
        ];
        for (what, input, want) in cases {
            assert_eq!(code(JsSealer::new(&input, &no_options())), want, "{what}");
        }
    }

    #[wasm_bindgen_test]
    fn binding_codes_equal_the_core_codes_for_the_same_key_text() {
        for text in [
            RSA_PUB,
            P384_PUB,
            K256_PUB,
            ED25519_PUB,
            P256_PRIVATE,
            "",
            "04",
            "zz",
        ] {
            let core = PublicKey::parse(text.as_bytes()).err().map(|e| e.code());
            let wasm = JsSealer::new(&text.into(), &no_options()).err();
            assert_eq!(
                wasm.map(|e| string(&e, "code")).as_deref(),
                core,
                "{text:.20}"
            );
        }
    }

    // --- bad input when sealing ---------------------------------------------------

    #[wasm_bindgen_test]
    fn an_oversized_field_is_limit_exceeded_with_its_limit() {
        let big = "x".repeat(orderseal::limits::MAX_TEXT_BYTES + 1);
        let fields = Object::new();
        Reflect::set(&fields, &"note".into(), &big.as_str().into()).expect("set");
        let err = sealer()
            .seal(&fields.into(), &form("order"))
            .err()
            .unwrap_or(JsValue::UNDEFINED);
        assert_eq!(string(&err, "code"), "limit_exceeded");
        assert_eq!(string(&err, "limit"), "field value length");
        assert_eq!(get(&err, "max").as_f64(), Some(65536.0));
        assert_eq!(get(&err, "actual").as_f64(), Some(65537.0));
        assert!(
            !string(&err, "message").contains("xxxx"),
            "no plaintext in messages"
        );
        assert_eq!(string(&err, "name"), "OrderSealError");
        assert!(err.is_instance_of::<js_sys::Error>());
    }

    #[wasm_bindgen_test]
    fn other_limits_keep_their_names() {
        let many = Object::new();
        for i in 0..=orderseal::limits::MAX_FIELDS {
            Reflect::set(&many, &format!("f{i}").into(), &"v".into()).expect("set");
        }
        let err = sealer()
            .seal(&many.into(), &form("order"))
            .err()
            .unwrap_or(JsValue::UNDEFINED);
        assert_eq!(string(&err, "limit"), "field count");

        let long_name = js(&format!(r#"{{"{}":"v"}}"#, "n".repeat(129)));
        let err = sealer()
            .seal(&long_name, &form("order"))
            .err()
            .unwrap_or(JsValue::UNDEFINED);
        assert_eq!(string(&err, "limit"), "field name length");

        let values: Array = (0..=256).map(|_| JsValue::from("v")).collect();
        let list = Object::new();
        Reflect::set(&list, &"a".into(), &values).expect("set");
        let err = sealer()
            .seal(&list.into(), &form("order"))
            .err()
            .unwrap_or(JsValue::UNDEFINED);
        assert_eq!(string(&err, "limit"), "values per field");

        let err = check_files_size(9.0 * 1024.0 * 1024.0)
            .err()
            .unwrap_or(JsValue::UNDEFINED);
        assert_eq!(string(&err, "code"), "limit_exceeded");
        assert_eq!(string(&err, "limit"), "plaintext size");
        assert_eq!(code(check_files_size(1024.0)), "ok");
        assert_eq!(code(check_files_size(1e300)), "limit_exceeded");
    }

    #[wasm_bindgen_test]
    fn a_bad_form_id_is_refused() {
        let (fields, _) = sample_fields();
        let s = sealer();
        assert_eq!(code(s.seal(&fields, &form(""))), "plaintext_invalid");
        assert_eq!(
            code(s.seal(&fields, &form("order form"))),
            "plaintext_invalid"
        );
        assert_eq!(
            code(s.seal(&fields, &form("order\nx"))),
            "plaintext_invalid"
        );
        assert_eq!(
            code(s.seal(&fields, &form(&"a".repeat(65)))),
            "limit_exceeded"
        );
        assert_eq!(code(s.seal(&fields, &no_options())), "plaintext_invalid");
        assert_eq!(code(s.seal(&fields, &"order".into())), "plaintext_invalid");
        assert_eq!(code(s.seal(&fields, &form("shop/order-2.v1:de_DE"))), "ok");
    }

    #[wasm_bindgen_test]
    fn values_of_other_types_are_refused() {
        let s = sealer();
        for (what, fields) in [
            ("a number", js(r#"{"qty":12}"#)),
            ("a boolean", js(r#"{"ok":true}"#)),
            ("null", js(r#"{"a":null}"#)),
            ("a nested array", js(r#"{"a":[["x"]]}"#)),
            (
                "text and files mixed",
                js(r#"{"a":["x",{"name":"n","type":"","data":""}]}"#),
            ),
            (
                "a file with another member",
                js(r#"{"a":{"name":"n","type":"","data":"","x":1}}"#),
            ),
            ("a file without data", js(r#"{"a":{"name":"n","type":""}}"#)),
            (
                "a file name that is no text",
                js(r#"{"a":{"name":1,"type":"","data":""}}"#),
            ),
            (
                "padded base64 data",
                js(r#"{"a":{"name":"n","type":"","data":"AA=="}}"#),
            ),
            ("an empty name", js(r#"{"":"x"}"#)),
            ("a control character in a name", js(r#"{"a\u0001":"x"}"#)),
            ("fields as text", JsValue::from("product=pen")),
            ("fields as an array", js(r#"["x"]"#)),
            ("no fields", JsValue::UNDEFINED),
        ] {
            assert_eq!(
                code(s.seal(&fields, &form("order"))),
                "plaintext_invalid",
                "{what}"
            );
        }
        let map = Map::new();
        map.set(&JsValue::from(1), &"x".into());
        assert_eq!(
            code(s.seal(&map.into(), &form("order"))),
            "plaintext_invalid",
            "Map key"
        );
    }

    // --- the opener -----------------------------------------------------------------

    #[wasm_bindgen_test]
    fn opener_keys_need_their_passphrase_and_clear_locks() {
        let mut opener = JsOpener::new().expect("opener");
        assert_eq!(
            code(opener.add_key(&P256_SCRYPT.into(), None)),
            "passphrase_required"
        );
        assert_eq!(
            code(opener.add_key(&P256_SCRYPT.into(), Some("wrong".into()))),
            "wrong_passphrase"
        );
        let scrypt_kid = opener
            .add_key(&P256_SCRYPT.into(), Some(PASS.into()))
            .expect("opens");
        assert_eq!(code(opener.add_key(&RSA_PUB.into(), None)), "key_malformed");
        let pem = key_json()["private_pkcs8_pem"]
            .as_str()
            .expect("PEM")
            .to_owned();
        assert_eq!(opener.add_key(&pem.into(), None).expect("adds"), kid());
        assert_eq!(opener.key_ids(), [scrypt_kid, kid()]);

        let (fields, _) = sample_fields();
        let json = string(
            &sealer().seal(&fields, &form("order")).expect("seals"),
            "json",
        );
        assert_eq!(code(opener.open(&json.clone().into())), "ok");
        opener.clear();
        assert!(opener.key_ids().is_empty());
        assert_eq!(code(opener.open(&json.into())), "unknown_kid");
        assert_eq!(code(opener.open(&JsValue::from(5))), "envelope_malformed");
    }
}
