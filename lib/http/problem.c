/*
 * problem.c — maps error codes to status, type and titles, and renders
 * problem+json. Titles are fixed per code (RFC 9457: the title does not change
 * between occurrences); the occurrence-specific text goes in `detail`. A
 * business refusal (err->refusal) has a type of its own, so a client tells
 * "file closed" from "already decided" without reading English, and a Hindi
 * detail; its title is its code's.
 */
#include "problem.h"

#include <string.h>

static const dft_problem_kind_t kinds[DFT_CODE_COUNT] = {
    [DFT_OK] = {200, "ok", "OK", "ठीक"},
    [DFT_E_INVALID] = {400, "invalid-request", "The request is not valid", "अनुरोध मान्य नहीं है"},
    [DFT_E_UNAUTHENTICATED] = {401, "unauthenticated", "Authentication is required", "प्रमाणीकरण आवश्यक है"},
    [DFT_E_FORBIDDEN] = {403, "forbidden", "Access is not allowed", "पहुँच की अनुमति नहीं है"},
    [DFT_E_NOT_FOUND] = {404, "not-found", "The resource was not found", "संसाधन नहीं मिला"},
    [DFT_E_METHOD_NOT_ALLOWED] = {405, "method-not-allowed", "The method is not allowed on this resource",
                                  "इस संसाधन पर यह विधि अनुमत नहीं है"},
    [DFT_E_NOT_ACCEPTABLE] = {406, "not-acceptable", "No acceptable representation", "कोई स्वीकार्य प्रारूप नहीं"},
    [DFT_E_CONFLICT] = {409, "conflict", "The request conflicts with the current state", "अनुरोध वर्तमान स्थिति से टकराता है"},
    [DFT_E_PRECONDITION_FAILED] = {412, "precondition-failed", "The resource has changed", "संसाधन बदल चुका है"},
    [DFT_E_TOO_LARGE] = {413, "too-large", "The request body is too large", "अनुरोध का आकार बहुत बड़ा है"},
    [DFT_E_UNSUPPORTED_MEDIA] = {415, "unsupported-media-type", "The media type is not supported",
                                 "यह मीडिया प्रकार समर्थित नहीं है"},
    [DFT_E_UNPROCESSABLE] = {422, "unprocessable", "The request cannot be processed", "अनुरोध संसाधित नहीं किया जा सकता"},
    [DFT_E_PRECONDITION_REQUIRED] = {428, "precondition-required", "A precondition header is required",
                                     "पूर्व-शर्त हेडर आवश्यक है"},
    [DFT_E_RATE_LIMITED] = {429, "rate-limited", "Too many requests", "बहुत अधिक अनुरोध"},
    [DFT_E_HEADERS_TOO_LARGE] = {431, "headers-too-large", "The request headers are too large",
                                 "अनुरोध हेडर बहुत बड़े हैं"},
    [DFT_E_INTERNAL] = {500, "internal", "Internal server error", "आंतरिक सर्वर त्रुटि"},
    [DFT_E_UNAVAILABLE] = {503, "unavailable", "The service is temporarily unavailable", "सेवा अस्थायी रूप से उपलब्ध नहीं है"},
};

/* Each refusal's Hindi detail; its English one is the SQL message that names it. Add a row
 * here, the type to api/openapi.yaml's Problem.type, and HINT = '<slug>' to the RAISE. */
static const dft_refusal_t refusals[] = {
    {"not-the-holder", "फ़ाइल पर केवल उसका वर्तमान धारक कार्य कर सकता है।"},
    {"file-closed", "फ़ाइल बंद है।"},
    {"file-not-open", "यह केवल खुली फ़ाइल पर हो सकता है।"},
    {"file-open-already", "फ़ाइल पहले से खुली है।"},
    {"recall-not-possible", "फ़ाइल केवल भेजने वाला वापस ले सकता है, और वह भी प्राप्तकर्ता के कार्य करने से पहले।"},
    {"forward-to-self", "फ़ाइल किसी अन्य अधिकारी को भेजें।"},
    {"receiver-not-cleared", "प्राप्तकर्ता इस विभाग का ऐसा अधिकारी नहीं है जिसे इस फ़ाइल की अनुमति हो।"},
    {"nothing-to-return", "यह फ़ाइल आपको किसी ने नहीं भेजी।"},
    {"close-needs-section-officer", "फ़ाइल बंद करने के लिए अनुभाग अधिकारी या उससे ऊपर का पद चाहिए।"},
    {"decide-held-files-only", "केवल अपने पास की फ़ाइल पर निर्णय करें: पहले उसे प्रभार से अपने पास भेजें।"},
    {"needs-approving-role", "निर्णय के लिए अनुमोदन की भूमिका (section_officer या dept_admin) या उसका प्रत्यायोजन चाहिए।"},
    {"own-file", "कोई अपनी खोली हुई फ़ाइल पर निर्णय नहीं करता: उसे सक्षम अधिकारी को भेजें।"},
    {"own-proposal", "कोई अपने लिखे प्रस्ताव पर निर्णय नहीं करता: उसे सक्षम अधिकारी को भेजें।"},
    {"delegators-own-proposal", "प्रत्यायोजन से प्रत्यायोजक के अपने प्रस्ताव पर निर्णय नहीं होता।"},
    {"decision-final", "फ़ाइल पर निर्णय हो चुका है; निर्णय अंतिम है।"},
    {"approval-needs-signed-note", "अनुमोदन के लिए फ़ाइल की अंतिम टिप्पणी आपकी डिजिटल हस्ताक्षरित टिप्पणी होनी चाहिए।"},
    {"reversal-needs-signed-note", "निर्णय पलटने के लिए उसके बाद लिखी आपकी डिजिटल हस्ताक्षरित टिप्पणी अंतिम टिप्पणी होनी चाहिए।"},
    {"rejection-needs-remarks", "प्रस्ताव अस्वीकार करने का कारण (remarks) लिखें।"},
    {"note-final", "अंतिम टिप्पणी कभी नहीं बदलती।"},
    {"note-changed-while-signing", "हस्ताक्षर के दौरान टिप्पणी बदल गई; फिर से हस्ताक्षर करें।"},
    {"receipt-filed-already", "यह प्राप्ति पहले से किसी फ़ाइल में है।"},
    {"receipt-above-file", "प्राप्ति केवल उतने या उससे ऊँचे वर्गीकरण वाली फ़ाइल में जा सकती है।"},
    {"idempotency-key-reused", "यह Idempotency-Key किसी दूसरे अनुरोध के साथ भेजी जा चुकी है।"},
    {"webhook-address-not-allowed", "एंडपॉइंट का होस्ट सर्वर के भीतरी नेटवर्क का पता है (loopback, निजी, link-local या metadata), "
                                    "जिसकी अनुमति webhook_allow_hosts में नहीं है।"},
    {"read-only", "सेवा अभी केवल पढ़ने के लिए (read-only) है: कोई प्राथमिक डेटाबेस उपलब्ध नहीं है। पढ़ना चलता रहता है; "
                  "यह परिवर्तन कुछ सेकंड बाद फिर भेजें।"},
    {"idempotency-key-in-flight", "इस Idempotency-Key वाले अनुरोध का उत्तर इसी बीच दिया गया; उसका उत्तर पाने के लिए इसे फिर भेजें।"},
    {"department-moving", "यह विभाग दूसरे डेटाबेस क्लस्टर पर ले जाया जा रहा है और कुछ समय के लिए केवल पढ़ा जा सकता है। "
                          "पढ़ना जारी है; यह बदलाव कुछ सेकंड बाद फिर भेजें।"},
    {"needs-records-officer", "फ़ाइल योजना और अभिलेख कक्ष अभिलेख अधिकारी (records_officer) या dept_admin ही रखते हैं।"},
    {"main-file-here", "फ़ाइल आपके पास है: उसी पर लिखें, भाग फ़ाइल पर नहीं।"},
    {"main-has-drafts", "मुख्य फ़ाइल में मसौदा टिप्पणियाँ हैं: विलय से पहले उन्हें पूरा करें या हटाएँ।"},
    {"file-not-closed", "केवल बंद फ़ाइल अभिलेख कक्ष में जाती है।"},
    {"in-record-room", "फ़ाइल अभिलेख कक्ष में है।"},
    {"not-due", "केवल अभिलेख कक्ष की वह फ़ाइल (श्रेणी B या C) नष्ट की जाती है जिसकी समीक्षा तिथि आ गई हो।"},
    {"file-weeded", "फ़ाइल पहले ही नष्ट (weed) की जा चुकी है।"},
    {"manifest-changed", "हस्ताक्षर के बाद फ़ाइल बदल गई: नया manifest_hash लेकर फिर हस्ताक्षर करें।"},
    {"not-the-receiver", "प्राप्ति पर केवल उसका मुख्य प्राप्तकर्ता कार्य कर सकता है; प्रतिलिपि केवल सूचना के लिए है।"},
    {"dispatch-has-letter", "इस प्रेषण का पत्र पहले से संलग्न है।"},
    {"dispatch-letter-after-sending", "पत्र भेजे जाने से पहले ही संलग्न होता है; यह प्रेषण आगे बढ़ चुका है।"},
    {"needs-dispatch-clerk", "यह प्रेषण अनुभाग का कार्य है (भूमिका dispatch_clerk)।"},
    {"letter-not-pdf", "पत्र PDF होना चाहिए।"},
    {"confidential-not-encrypted", "गोपनीय दस्तावेज़ एन्क्रिप्ट होने चाहिए।"},
    {"draft-issued-already", "यह मसौदा पहले ही जारी हो चुका है: एक मसौदा, एक बार जारी।"},
    {"draft-not-approved", "मसौदा अनुमोदित नहीं है।"},
    {"draft-changed-after-approval", "अनुमोदन के बाद मसौदा बदला गया; उसे फिर से अनुमोदित कराएँ।"},
    {"letter-needs-pdf", "ई-मेल से या किसी विभाग को जाने वाला पत्र उसकी PDF के रूप में जाता है: उसे मसौदे पर अपलोड करें और अनुमोदित कराएँ।"},
    {"confidential-by-post-or-hand", "गोपनीय या गुप्त पत्र डाक से या दस्ती भेजा जाता है।"},
    {"dispatch-cancel-after-sending", "केवल वह पत्र रद्द हो सकता है जो अभी भेजा नहीं गया।"},
    {"dispatch-not-issued", "केवल जारी किया गया पत्र भेजा जाता है।"},
    {"dispatch-not-sent", "केवल भेजा गया पत्र ही वितरित या वापस होता है।"},
    {"dispatch-sent-by-server", "ई-मेल वाले पत्र सर्वर स्वयं भेजता है।"},
    {"dispatch-through-exchange", "किसी विभाग को पत्र डाक-विनिमय से जाता है और उसकी पावती से वितरित माना जाता है।"},
    {"consignment-required", "डाक से भेजे गए पत्र के लिए उसकी प्रेषण संख्या (consignment) आवश्यक है।"},
    {"addressee-department-unknown", "इस कोड का कोई विभाग नहीं है।"},
    {"addressee-own-department", "इसी विभाग को पत्र फ़ाइल पर टिप्पणी है, प्रेषण नहीं।"},
    {"addressee-department-mode", "किसी विभाग को पत्र mode department से जाता है।"},
    {"addressee-outside-mode", "बाहरी प्राप्तकर्ता को पत्र डाक, दस्ती या ई-मेल से जाता है।"},
    {"addressee-without-email", "mode email के लिए प्राप्तकर्ता का ई-मेल पता नहीं है।"},
    {"own-draft", "कोई अपने लिखे पत्र को अनुमोदित नहीं करता: फ़ाइल सक्षम अधिकारी को भेजें।"},
    {"delegators-own-draft", "प्रत्यायोजन से प्रत्यायोजक का अपना मसौदा अनुमोदित नहीं होता।"},
    {"draft-approved-already", "मसौदे का यह संस्करण पहले ही अनुमोदित है।"},
    {"draft-changed-while-signing", "हस्ताक्षर के दौरान मसौदा बदल गया; फिर से हस्ताक्षर करें।"},
    {"enclosure-not-of-file", "संलग्नक फ़ाइल का ही कोई दस्तावेज़ होना चाहिए।"},
    {"apar-authority-is-officer", "जिस अधिकारी पर रिपोर्ट है, वह स्वयं प्राधिकारी नहीं हो सकता।"},
    {"apar-authority-twice", "एक अधिकारी इस श्रृंखला के दो स्तरों पर नहीं हो सकता।"},
    {"apar-authority-not-active", "हर प्राधिकारी एक सक्रिय अधिकारी (किसी भी विभाग का UID) होना चाहिए।"},
    {"apar-period-outside-cycle", "अवधि चक्र की अवधि के भीतर होनी चाहिए।"},
    {"apar-level-reported", "जिस स्तर ने रिपोर्ट दे दी है, उसका प्राधिकारी नहीं बदलता।"},
    {"needs-apar-custodian", "विभाग का APAR अभिरक्षक (apar_custodian) ही उसका चक्र खोलता है।"},
    {"apar-cycle-open-already", "इस वर्ष के लिए विभाग का APAR चक्र पहले से खुला है।"},
    {"apar-not-an-authority", "केवल श्रृंखला का कोई प्राधिकारी ही स्वयं को अलग करता है।"},
    {"apar-not-your-stage", "यह प्रपत्र अभी आपके स्तर पर नहीं है।"},
    {"apar-self-appraisal-incomplete", "स्व-मूल्यांकन में लक्ष्य और उपलब्धियाँ (पाठ) दें।"},
    {"apar-nothing-to-agree-with", "सहमत होने के लिए कोई प्रतिवेदक ग्रेड नहीं हैं: अपने ग्रेड दें।"},
    {"apar-differing-needs-reasons", "प्रतिवेदक प्राधिकारी से असहमति के कारण लिखें।"},
    {"apar-grade-out-of-range", "ग्रेड 1 से 10 तक का पूर्णांक है।"},
    {"apar-accept-or-represent", "रिपोर्ट स्वीकार करें, या उसके विरुद्ध लिखित अभ्यावेदन दें।"},
    {"apar-remark-length", "टिप्पणी 1 से 4000 अक्षरों की हो।"},
    {"apar-grade-needs-justification", "8 या अधिक, या 4 से कम समग्र ग्रेड के लिए औचित्य लिखें।"},
    {"apar-signed-other-part", "हस्ताक्षरित भाग यह नहीं है; फिर से हस्ताक्षर करें।"},
    {"apar-part-signed-already", "इस भाग पर पहले ही हस्ताक्षर हो चुके हैं।"},
    {"apar-sign-own-part", "भाग पर वही अधिकारी हस्ताक्षर करता है जिसने उसे प्रस्तुत किया।"},
    {"own-records", "आपके अपने अभिलेख स्थापना का कोई अन्य अधिकारी रखता है।"},
    {"joining-after-superannuation", "कार्यग्रहण की तिथि अधिवर्षिता की तिथि के बाद है।"},
    {"correction-target-invalid", "corrects इस सेवा पुस्तिका की किसी सत्यापित प्रविष्टि का होना चाहिए।"},
    {"attest-own-entry", "आपकी दर्ज की गई प्रविष्टियाँ कोई अन्य अधिकारी सत्यापित करता है।"},
    {"entry-attested", "यह प्रविष्टि सत्यापित है और कभी नहीं बदलती; उसका नाम लेकर सुधार की प्रविष्टि दर्ज करें।"},
    {"needs-establishment", "अवकाश कैलेंडर स्थापना अनुभाग रखता है।"},
    {"leave-decided-already", "इस आवेदन पर पहले ही कार्यवाही हो चुकी है।"},
    {"leave-not-your-turn", "यह आवेदन किसी अन्य स्तर की प्रतीक्षा में है, आपकी नहीं।"},
    {"leave-applicant-only", "आवेदन केवल आवेदक ही रद्द या कम करता है।"},
    {"leave-not-cancellable", "केवल लंबित अवकाश, या स्वीकृत पर अभी शुरू न हुआ अवकाश रद्द होता है; चल रहे अवकाश को कम करें।"},
    {"leave-not-curtailable", "केवल स्वीकृत अवकाश कम किया जाता है; लंबित आवेदन रद्द करें।"},
    {"leave-curtail-date", "to_date अवकाश के भीतर, उसके अंतिम दिन से पहले होनी चाहिए।"},
    {"no-such-action", "ऐसी कोई कार्रवाई नहीं है।"},
    {"leave-outside-department", "अवकाश के लिए किसी विभाग में आवेदन किया जाता है।"},
    {"leave-type-unknown", "ऐसा कोई अवकाश प्रकार नहीं है।"},
    {"leave-dates-reversed", "to_date, from_date से पहले है।"},
    {"leave-too-long", "अवधि अधिकतम तीन वर्ष की हो।"},
    {"leave-on-holidays", "यह अवकाश कार्य-दिवसों पर शुरू और समाप्त होता है: उसके पहले या बाद की छुट्टियाँ अवकाश नहीं हैं।"},
    {"leave-no-working-day", "इस अवधि में कोई कार्य-दिवस नहीं है।"},
    {"leave-overlaps", "इस अवधि में आपका अवकाश पहले से आवेदित या स्वीकृत है।"},
    {"casual-leave-combined", "आकस्मिक अवकाश किसी अन्य अवकाश के साथ नहीं जोड़ा जाता।"},
    {"leave-extends-invalid", "extends आपके इसी प्रकार के उस स्वीकृत अवकाश का होना चाहिए जो एक दिन पहले समाप्त होता है।"},
    {"leave-over-per-occasion", "इस अवकाश के एक आवेदन की अधिकतम दिन-सीमा से अधिक है।"},
    {"leave-balance-short", "आपका अवकाश शेष इस आवेदन के लिए पर्याप्त नहीं है।"},
    {"objection-answered-already", "इस आपत्ति का उत्तर पहले ही दिया जा चुका है।"},
    {"rejection-needs-reasons", "अस्वीकृति के कारण answer में लिखें।"},
    {"objection-own-book-only", "अपनी सेवा पुस्तिका की प्रविष्टियों पर केवल वही अधिकारी आपत्ति करता है।"},
    {"own-posting", "आपकी अपनी तैनाती पर कार्यवाही कोई अन्य अधिकारी करता है।"},
    {"posting-not-relievable", "केवल आदेशित स्थानांतरण में, छोड़ा जाने वाला विभाग ही कार्यमुक्त करता है।"},
    {"posting-not-yet-effective", "आदेश अपनी प्रभावी तिथि से लागू होता है।"},
    {"posting-not-joinable", "अधिकारी कार्यमुक्त होने के बाद ही नामित विभाग में कार्यग्रहण करता है।"},
    {"posting-not-cancellable", "केवल वह आदेश रद्द होता है जिस पर अभी कार्यवाही नहीं हुई, और वह भी आदेश देने वाले विभाग द्वारा।"},
    {"posting-department-unknown", "to_dept किसी सक्रिय विभाग का नहीं है।"},
    {"posting-roles-not-allowed", "तैनाती में dept_admin, hr_admin और training_admin के अतिरिक्त भूमिकाएँ दी जाती हैं।"},
    {"posting-pending", "इस अधिकारी का एक तैनाती आदेश अभी लंबित है।"},
    {"needs-training-nodal", "यह विभाग के प्रशिक्षण नोडल अधिकारी (training_nodal) का कार्य है।"},
    {"needs-training-admin", "यह राज्य के प्रशिक्षण प्रशासकों (training_admin) का कार्य है।"},
    {"course-not-published", "ऐसा कोई प्रकाशित पाठ्यक्रम नहीं है।"},
    {"deadline-past", "समय-सीमा आज के बाद की हो।"},
    {"batch-cancelled", "यह बैच रद्द हो चुका है।"},
    {"batch-begun", "शुरू हो चुका बैच नहीं बदला जाता।"},
    {"batch-start-past", "बैच आज या उसके बाद शुरू होता है।"},
    {"batch-dates-reversed", "बैच अपने पहले दिन या उसके बाद समाप्त होता है।"},
    {"batch-capacity-below-seated", "बैठे अधिकारियों की संख्या से कम क्षमता नहीं की जा सकती।"},
    {"certificate-revoked-already", "यह प्रमाणपत्र पहले ही निरस्त हो चुका है।"},
    {"course-code-taken", "इस कोड का पाठ्यक्रम पहले से है।"},
    {"course-not-draft", "केवल मसौदा पाठ्यक्रम बदलता है; इसे सेवानिवृत्त (retire) करके नया बनाएँ।"},
    {"course-status-order", "मसौदा प्रकाशित होता है, प्रकाशित पाठ्यक्रम सेवानिवृत्त; यह पाठ्यक्रम इस स्थिति में नहीं है।"},
    {"batch-not-of-course", "इस पाठ्यक्रम का ऐसा कोई बैच नहीं है।"},
    {"officers-only", "नामांकन अधिकारी करते हैं; सेवा खाते नहीं।"},
    {"course-completed-already", "आपने यह पाठ्यक्रम पूरा कर लिया है और वह पूर्णता अभी मान्य है।"},
    {"course-complete", "यह पाठ्यक्रम पूरा हो चुका है।"},
    {"module-unknown", "पाठ्यक्रम में ऐसा कोई मॉड्यूल नहीं है।"},
    {"module-counted-already", "यह मॉड्यूल पहले ही गिना जा चुका है।"},
    {"module-not-started", "पहले मॉड्यूल शुरू करें।"},
    {"module-without-assessment", "इस मॉड्यूल का कोई मूल्यांकन नहीं है।"},
    {"module-not-finished", "मूल्यांकन से पहले मॉड्यूल पूरा करें।"},
    {"attempts-exhausted", "इस मूल्यांकन के प्रयास समाप्त हो चुके हैं।"},
    {"answers-mismatch", "answers में हर प्रश्न के लिए क्रम से एक विकल्प-सूचकांक हो।"},
    {"batch-booked-already", "आप इस पाठ्यक्रम के किसी अन्य बैच में पहले से हैं; पहले वह स्थान छोड़ें।"},
    {"batch-over", "यह बैच समाप्त हो चुका है।"},
};

/* A field error's Hindi sentence when its maker gave none, by its reason. */
static const char *const field_hindi[][2] = {
    {"required", "यह आवश्यक है।"},
    {"invalid", "यह मान यहाँ मान्य नहीं है।"},
    {"too_long", "यह अनुमत लंबाई से अधिक है।"},
    {"too_short", "यह अनुमत लंबाई से छोटा है।"},
    {"too_many", "इसमें अनुमत संख्या से अधिक प्रविष्टियाँ हैं।"},
    {"too_few", "इसमें अनुमत संख्या से कम प्रविष्टियाँ हैं।"},
    {"unknown_field", "यह सदस्य यहाँ स्वीकार नहीं किया जाता।"},
    {"unknown_parameter", "यह पैरामीटर यहाँ स्वीकार नहीं किया जाता।"},
    {"malformed", "यह सही रूप में नहीं है।"},
    {"check_digit", "यह मान्य UID नहीं है।"},
    {"out_of_range", "यह अनुमत सीमा से बाहर है।"},
    {"duplicate_key", "JSON में एक ही कुंजी दो बार है।"},
    {"too_deep", "JSON अनुमत से अधिक गहराई तक नेस्टेड है।"},
    {"not_object", "अनुरोध का मुख्य भाग JSON ऑब्जेक्ट होना चाहिए।"},
};

static const char *field_error_hindi(const dft_field_error_t *f)
{
    if (f->message_hi != NULL)
        return f->message_hi;
    for (size_t i = 0; i < DFT_ARRAY_SIZE(field_hindi); ++i)
        if (strcmp(field_hindi[i][0], f->reason) == 0)
            return field_hindi[i][1];
    return field_hindi[1][1];
}

const char *dft_problem_refusal(const char *slug)
{
    for (size_t i = 0; i < DFT_ARRAY_SIZE(refusals); ++i)
        if (strcmp(refusals[i].slug, slug) == 0)
            return refusals[i].slug;
    return NULL;
}

const dft_refusal_t *dft_problem_refusal_at(size_t i)
{
    return i < DFT_ARRAY_SIZE(refusals) ? &refusals[i] : NULL;
}

static const char *refusal_hindi(const char *slug)
{
    for (size_t i = 0; i < DFT_ARRAY_SIZE(refusals); ++i)
        if (strcmp(refusals[i].slug, slug) == 0)
            return refusals[i].detail_hi;
    return NULL;
}

const dft_problem_kind_t *dft_problem_kind(dft_code_t code)
{
    if ((unsigned)code >= DFT_CODE_COUNT)
        code = DFT_E_INTERNAL;
    return &kinds[code];
}

dft_code_t dft_problem_code_for_status(int status)
{
    for (int c = DFT_E_INVALID; c < DFT_CODE_COUNT; ++c)
        if (kinds[c].status == status)
            return (dft_code_t)c;
    return status >= 500 ? DFT_E_INTERNAL : DFT_E_INVALID;
}

static void put_string_field(dft_buf_t *out, const char *name, const char *value, size_t len)
{
    dft_buf_printf(out, ",\"%s\":\"", name);
    dft_buf_json_escape(out, value, len);
    dft_buf_puts(out, "\"");
}

void dft_problem_render(dft_buf_t *out, const dft_error_t *err, const char *instance, size_t instance_len,
                        const char *request_id, int hindi)
{
    const dft_problem_kind_t *k = dft_problem_kind(err->code);
    const char *title = hindi ? k->title_hi : k->title_en;
    const char *hi = err->refusal != NULL && hindi ? refusal_hindi(err->refusal) : NULL;
    const char *detail = hi != NULL ? hi : err->detail;
    dft_buf_printf(out, "{\"type\":\"urn:daftar:problem:%s\"", err->refusal != NULL ? err->refusal : k->slug);
    put_string_field(out, "title", title, strlen(title));
    dft_buf_printf(out, ",\"status\":%d", k->status);
    if (detail != NULL)
        put_string_field(out, "detail", detail, strlen(detail));
    if (instance != NULL)
        put_string_field(out, "instance", instance, instance_len);
    if (request_id != NULL)
        put_string_field(out, "request_id", request_id, strlen(request_id));
    if (err->num_fields != 0) {
        dft_buf_puts(out, ",\"errors\":[");
        for (size_t i = 0; i < err->num_fields; ++i) {
            const dft_field_error_t *f = &err->fields[i];
            dft_buf_puts(out, i ? ",{\"field\":\"" : "{\"field\":\"");
            dft_buf_json_escape(out, f->field, strlen(f->field));
            dft_buf_puts(out, "\"");
            put_string_field(out, "reason", f->reason, strlen(f->reason));
            if (f->pointer != NULL)
                put_string_field(out, "pointer", f->pointer, strlen(f->pointer));
            if (f->message != NULL) {
                put_string_field(out, "detail", f->message, strlen(f->message));
                put_string_field(out, "message", f->message, strlen(f->message));
            }
            const char *f_hi = field_error_hindi(f);
            put_string_field(out, "detail_hi", f_hi, strlen(f_hi));
            dft_buf_puts(out, "}");
        }
        dft_buf_puts(out, "]");
    }
    dft_buf_puts(out, "}");
}
