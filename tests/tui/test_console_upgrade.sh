#!/bin/bash
# Journey: upgrade the 2nd user from the Users view and see that user's jobs go RESTORING
# then NONE in the jobs view (Enter on a user lists their jobs); downgrade asks and can be
# declined; u in the jobs view names the job's owner.
SUITE=console_upgrade
. "$(dirname "$0")/console_lib.sh"

gas users add ann --email ann@example.org >/dev/null
gas users add bob --email bob@example.org >/dev/null
gas submit "$SAMPLES/free_1.vcf" --user ann >/dev/null
# bob's input is on T2T-CHM13 (its header), for which GAS has no sources
{ printf '##fileformat=VCFv4.2\n##reference=chm13v2.0.fasta\n'
  printf '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n'
  printf 'chr1\t%d\t.\tA\tG\t.\t.\t.\n' 1000000 2000000 3000000; } > t2t.vcf
B=$(gas submit t2t.vcf --user bob | grep -oE '[0-9a-f-]{36}' | head -1)
require "bob's job submitted" test -n "$B"
start_gasd
require "bob's job archived by gasd" wait_field "$B" archive_state ARCHIVED 40

console c 80 24
press c overview 3
require "users view, sorted by user" wait_screen 'row 1/2 users'
press c users j
expect "j: the 2nd user" wait_screen 'row 2/2 users'
expect "the cursor is on bob" cursor_has '^  bob '
press c users d
expect "d on a free user: refused in one line, nothing asked" \
  wait_screen '^user bob is free already: nothing to downgrade'
press c users k
press c users Down
expect "Down: the 2nd user again" wait_screen 'row 2/2 users'
press c users u
expect "upgrade names bob and what it restores" \
  wait_screen 'Upgrade user bob to premium \(restores 1 archived result\)\? \(y/n\)'
answer c y
expect "the console says bob was upgraded" wait_screen 'user bob upgraded to premium'
expect "bob is premium (gas users list)" sh -c "gas users list | grep -qE '^bob +premium_user'"
expect "ann is still free" sh -c "gas users list | grep -qE '^ann +free_user'"
wait_screen '^  bob +premium' >/dev/null
press c users d
expect "d on the premium user: asks, naming the user" wait_screen 'Downgrade user bob to free\? \(y/n\)'
answer c n
expect "declined: nothing changed" wait_screen 'answered no: nothing changed'
press c users Enter
expect "Enter lists the user's jobs (the jobs view, filtered on its USER column)" \
  wait_screen 'row 1/1 jobs +filter: user=bob \(1 of 2\)'
expect "bob's job goes RESTORING" wait_screen "^  ${B:0:8} bob +COMPLETED +RESTORING" c 30
expect "then NONE: restored" wait_screen "^  ${B:0:8} bob +COMPLETED +NONE" c 40
expect "gas show agrees" wait_field "$B" archive_state NONE 10
# t2t.vcf is on T2T-CHM13, for which there are no sources: passed through
expect "a result passed through unannotated says why after its file name" \
  wait_screen "^  ${B:0:8} bob +COMPLETED +NONE .*t2t\.vcf \(no T2T-CHM13 sources\)"
press c jobs u
expect "u on a premium owner with nothing archived: refused in one line" \
  wait_screen "^user bob is premium already \(nothing archived\): nothing to upgrade"
press c jobs /
typing c ann
press c jobs Enter
wait_screen 'row 1/1 jobs +filter: ann' >/dev/null
A=$(full_id "$(cursor_job)")
press c jobs u
expect "u in the jobs view names the job's owner" wait_screen "Upgrade user ann \(owner of job ${A:0:8}\) to premium \(restores 1 archived\)\?"
answer c n
press c jobs Escape
press c jobs 3
wait_screen 'row [12]/2 users' >/dev/null
press c users g
press c users Enter
expect "Enter on ann: her jobs only (user=ann)" wait_screen 'row 1/1 jobs +filter: user=ann \(1 of 2\)'
press c jobs Escape
expect "Esc: back to the users view" wait_screen '^GAS \[Users\]'
press c users G
press c users Enter
wait_screen 'row 1/1 jobs +filter: user=bob' >/dev/null
press c jobs Enter
expect "bob's unannotated job: its detail" wait_screen '^GAS \[Job detail\]'
press c detail G
expect "... the count log's summary says NOT ANNOTATED and why" wait_screen '^  NOT ANNOTATED +there are no annotation sources for T2T-CHM13'
expect "... once: not again as a warning" sh -c "! $TM capture-pane -p -t c | grep -qE '^ *warning +NOT ANNOTATED'"
# a mouse VCF (its ##contig lengths are no human build's): passed through, and the list
# says it is not human, not "no ... sources"
printf '##fileformat=VCFv4.2\n##contig=<ID=1,length=195154279>\n##contig=<ID=2,length=181755017>\n##contig=<ID=11,length=121973369>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n11\t69471000\t.\tA\tG\t.\t.\t.\n' > mouse.vcf
MO=$(gas submit mouse.vcf --user bob)
press c detail Escape
expect "a mouse VCF's job says (not human) after its file name" \
  wait_screen "^  ${MO:0:8} bob +COMPLETED +NONE .*mouse\.vcf \(not human\)" c 30
# an assembly's contigs (NODE_1_length_...), no header: GRCh37 by default, but none of its
# records is on a contig the sources know: the list says nothing was annotated
printf '##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\nNODE_1_length_348724_cov_30.41\t1200\t.\tA\tG\t.\t.\t.\nNODE_5_length_164027_cov_28.93\t880\t.\tC\tT\t.\t.\t.\n' > nodes.vcf
NO=$(gas submit nodes.vcf --user bob)
expect "an assembly's contigs: its job says (nothing annotated) after its file name" \
  wait_screen "^  ${NO:0:8} bob +COMPLETED +NONE .*nodes\.vcf \(nothing annotated\)" c 30
expect "... as gas jobs does" sh -c "gas jobs | grep -qE '^${NO} +bob +COMPLETED +NONE .*nodes\.vcf \(nothing annotated\)'"
press c jobs /
typing c mouse
press c jobs Enter
wait_screen 'row 1/1 jobs +filter: mouse' >/dev/null
press c jobs Enter
press c detail G
expect "... its detail says why" wait_screen '^  NOT ANNOTATED +the input is not on a human genome build'
# downgrade from the console says what gas downgrade says: which results stay available
press c detail q
press c jobs 3
wait_screen '^  bob +premium' >/dev/null
press c users /
typing c bob
press c users Enter
wait_screen 'row 1/1 users +filter: bob' >/dev/null
press c users d
expect "d: asks" wait_screen 'Downgrade user bob to free\? \(y/n\)'
answer c y
expect "downgraded, saying which results stay available" \
  wait_screen 'user bob downgraded: results of the last [0-9]+ s and new ones go cold$'
finish_pipeline console_upgrade
