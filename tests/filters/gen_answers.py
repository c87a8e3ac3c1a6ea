"""Writes tshark_answers.tsv: the frames tshark selects for every row of
conformance.tsv. Run once, from this folder, with tshark 4.0.17 installed."""
import subprocess
rows=[l.rstrip('\n').split('\t') for l in open('conformance.tsv') if l.strip() and not l.startswith('#')]
ver=subprocess.run(['tshark','--version'],capture_output=True,text=True).stdout.splitlines()[0]
with open('tshark_answers.tsv','w') as f:
    f.write(f"# {ver}\n")
    f.write("# Generated once with, for each row of conformance.tsv:\n")
    f.write("#   TZ=UTC tshark -n -r /work/shared/captures/CAPTURE -Y EXPRESSION -T fields -e frame.number\n")
    f.write("# (this file is written by gen_answers.py beside it; the test does not run tshark)\n")
    f.write("# Columns: expression <TAB> capture <TAB> selected frame numbers, comma-separated (empty: none),\n")
    f.write("# or ERROR<TAB>first line of tshark's message when tshark rejects the filter.\n")
    for e,c in rows:
        r=subprocess.run(['tshark','-n','-r','/work/shared/captures/'+c,'-Y',e,'-T','fields','-e','frame.number'],capture_output=True,text=True,env={'TZ':'UTC','PATH':'/usr/bin:/bin'})
        if r.returncode!=0:
            msg=[l for l in r.stderr.splitlines() if 'Running as user' not in l]
            f.write(f"{e}\t{c}\tERROR\t{msg[0] if msg else ''}\n")
        else:
            f.write(f"{e}\t{c}\t{','.join(r.stdout.split())}\n")
