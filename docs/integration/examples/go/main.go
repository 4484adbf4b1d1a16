// Publishes one police inspection straight on NATS JetStream with the police's own nkey, then
// watches the police's refusals for it, and prints what came back. See docs/integration/README.md.
//
// Built with Debian's golang-go and golang-github-nats-io-go-nats-dev, offline (GOPATH mode,
// the packages' sources under /usr/share/gocode):
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o send-inspection .
//	NATS_URL=nats://127.0.0.1:4250 NATS_NKEY_SEED_FILE=police.nk ./send-inspection [-invalid]
//
// -invalid sends an outcome the contract does not know, to see a refusal. Exit code: 0 stored
// and not refused within REFUSAL_WAIT_SECONDS (default 10), 1 refused, 2 misconfigured.
package main

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nkeys"
)

// What the police may do on NATS (docs/integration/README.md, "Direct NATS"); a reporting body
// has its own in the credentials the secretariat issued it.
const (
	subject          = "pcmd.events.police.inspection.completed"
	inboxPrefix      = "_INBOX_police"
	refusalsStream   = "PCMD_REFUSALS"
	refusalsSubject  = "pcmd.refusals.police"
	refusalsConsumer = "refusals-police"
	source           = "/pcmd/police/001"
)

type inspection struct {
	InspectionID string     `json:"inspectionId"`
	AreaCode     string     `json:"areaCode"`
	Business     business   `json:"business"`
	Outcome      string     `json:"outcome"`
	Violations   []struct{} `json:"violations"`
}

type business struct {
	BusinessID string `json:"businessId"`
	Kind       string `json:"kind"`
}

// refusal is the data of a vn.pcmd.refusal.event.refused.v1 event (the fields used here).
type refusal struct {
	Sequence uint64 `json:"sequence"`
	Removed  bool   `json:"removed"`
	Event    struct {
		ID string `json:"id"`
	} `json:"event"`
	Reasons []struct {
		Path    string `json:"path"`
		Message string `json:"message"`
	} `json:"reasons"`
}

func main() {
	invalid := flag.Bool("invalid", false, "send an outcome the contract does not know, to see a refusal")
	flag.Parse()
	url := os.Getenv("NATS_URL")
	auth, err := nkeyOption()
	if url == "" || err != nil {
		fmt.Fprintln(os.Stderr, "Set NATS_URL and the agency's nkey seed: NATS_NKEY_SEED_FILE (a file) or NATS_NKEY_SEED.", err)
		os.Exit(2)
	}
	wait := 10 * time.Second
	if seconds, err := strconv.Atoi(os.Getenv("REFUSAL_WAIT_SECONDS")); err == nil {
		wait = time.Duration(seconds) * time.Second
	}

	// Replies (the PubAck, consumer deliveries) come to this prefix: the only one the police may read.
	nc, err := nats.Connect(url, auth, nats.CustomInboxPrefix(inboxPrefix), nats.Name("police-example-go"))
	if err != nil {
		fail(err)
	}
	defer nc.Close()
	js, err := nc.JetStream()
	if err != nil {
		fail(err)
	}

	id := "kt-go-nats-" + strconv.FormatInt(time.Now().UnixMilli(), 36)
	outcome := "compliant"
	if *invalid {
		outcome = "done"
	}
	data, _ := json.Marshal(inspection{id, "hn-ba-dinh-kim-ma", business{"0101234567", "karaoke"}, outcome, []struct{}{}})

	// Binary content mode of the CloudEvents NATS binding: every attribute a ce- header (values in
	// printable ASCII, anything else percent-encoded), the data as the body. Over NATS nobody fills
	// in source or subject for you: subject is the record the event is about (data.inspectionId).
	msg := nats.NewMsg(subject)
	msg.Header.Set("ce-specversion", "1.0")
	msg.Header.Set("ce-id", id)
	msg.Header.Set("ce-source", source)
	msg.Header.Set("ce-type", "vn.pcmd.police.inspection.completed.v1")
	msg.Header.Set("ce-subject", id)
	// When the inspection happened: 2021 in Ba Đình, so that the demo board's Ba Đình 2021 plan counts it.
	msg.Header.Set("ce-time", "2021-05-20T14:00:00+07:00")
	msg.Header.Set("content-type", "application/json")
	msg.Data = data
	// JetStream stores one message per Nats-Msg-Id within two minutes: the event's identity, source + id.
	digest := sha256.Sum256([]byte(source + " " + id))
	msgID := base64.RawURLEncoding.EncodeToString(digest[:])

	var ack *nats.PubAck
	for attempt := 1; ack == nil; attempt++ {
		ack, err = js.PublishMsg(msg, nats.MsgId(msgID), nats.AckWait(5*time.Second))
		if err != nil {
			// No PubAck: send it again, the same message with the same Nats-Msg-Id; stored once.
			if attempt >= 5 {
				fail(err)
			}
			fmt.Printf("no PubAck (%v), publishing %s again\n", err, id)
		}
	}
	// A PubAck means stored, not accepted: the backbone checks the event after storing it.
	duplicate := ""
	if ack.Duplicate {
		duplicate = ", duplicate (already stored)"
	}
	fmt.Printf("published %s: PubAck stream %s, seq %d%s\n", id, ack.Stream, ack.Sequence, duplicate)

	// A refused event is removed from the stream within seconds and explained on the police's own
	// refusals subject, read through the one durable consumer the police may use.
	if _, err := js.AddConsumer(refusalsStream, &nats.ConsumerConfig{Durable: refusalsConsumer, FilterSubject: refusalsSubject, AckPolicy: nats.AckExplicitPolicy}); err != nil {
		fail(err)
	}
	sub, err := js.PullSubscribe(refusalsSubject, refusalsConsumer, nats.Bind(refusalsStream, refusalsConsumer))
	if err != nil {
		fail(err)
	}
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		messages, err := sub.Fetch(1, nats.MaxWait(time.Until(deadline)))
		if errors.Is(err, nats.ErrTimeout) {
			break
		} else if err != nil {
			fail(err)
		}
		for _, message := range messages {
			var refused refusal
			if err := json.Unmarshal(message.Data, &refused); err != nil {
				fail(err)
			}
			// Acknowledged (and confirmed) once read, so that the next reader does not get it again.
			if err := message.AckSync(); err != nil {
				fail(err)
			}
			reasons := make([]string, 0, len(refused.Reasons))
			for _, reason := range refused.Reasons {
				reasons = append(reasons, reason.Path+": "+reason.Message)
			}
			if refused.Sequence != ack.Sequence {
				fmt.Printf("refusal of an earlier message (seq %d, id %s): %s\n", refused.Sequence, refused.Event.ID, strings.Join(reasons, "; "))
				continue
			}
			fmt.Printf("refused %s (seq %d, removed: %t): %s\n", id, refused.Sequence, refused.Removed, strings.Join(reasons, "; "))
			nc.Close()
			os.Exit(1)
		}
	}
	fmt.Printf("no refusal of %s within %s: taken\n", id, wait)
}

// nkeyOption signs the server's nonce with the seed; the seed never leaves this process.
func nkeyOption() (nats.Option, error) {
	if seed := os.Getenv("NATS_NKEY_SEED"); seed != "" {
		pair, err := nkeys.FromSeed([]byte(strings.TrimSpace(seed)))
		if err != nil {
			return nil, err
		}
		public, err := pair.PublicKey()
		if err != nil {
			return nil, err
		}
		return nats.Nkey(public, pair.Sign), nil
	}
	if file := os.Getenv("NATS_NKEY_SEED_FILE"); file != "" {
		return nats.NkeyOptionFromSeed(file)
	}
	return nil, errors.New("no seed")
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "error:", err)
	os.Exit(1)
}
